// Group `server`: @unisocket/server beside the servers people would otherwise deploy. Memory per
// 1,000 idle WebSocket connections on one node (bare `ws`, socket.io 4, ours), room broadcast to
// 1,000 clients on one node and on two nodes sharing one Redis (socket.io with its default adapter
// and with @socket.io/redis-streams-adapter, ours with the memory and the Redis adapter).
//
// Every server node is its own process (server-child.ts), fresh for every setup and round, with a
// fresh Redis (scripts/redis.mjs) for the two-node setups. Memory is read as the harness group reads
// it (after `idleMs` of idleness, two full GCs); the one-node setups of a round run side by side,
// `staggerMs` apart, so that their idle waits overlap, while everything that uses the CPU or is timed
// runs in one `exclusive` section at a time.
import { fileURLToPath } from 'node:url';
import { startRedis, type RedisProcess } from '../../../scripts/redis.mjs';
import type { BenchBrowser } from '../browser.js';
import { startChild, type BenchChild } from '../child/parent.js';
import { createExclusive, type Exclusive } from '../exclusive.js';
import { int, mib, ms, rate, ratio } from '../format.js';
import { openIdleConnections, type ConnectionKind, type IdleConnections } from '../net/idle-connections.js';
import { ErrorLog, type GroupResult, type Table, type TargetCheck } from '../results.js';
import type { BroadcastRequest, ServerChildOptions, ServerKind } from '../server-child.js';
import { median, pairedRatio, spread } from '../stats.js';
import { pick, type GroupContext } from './context.js';
import { firstAfter, waitFor } from './recovery.js';

interface Sizes {
  rounds: number;
  /** Clients per setup (split evenly between the nodes of a two-node setup). */
  connections: number;
  broadcasts: number;
  /** How long a node is left idle before each memory reading, in ms (at least). */
  idleMs: number;
  /** Delay between the starts of the one-node setups of a round, in ms. */
  staggerMs: number;
  /** How long the warm-up clients of a one-node setup stay before they leave, in ms. */
  warmUpHoldMs: number;
  failoverTrials: number;
}

export type SetupId = ServerKind;

export interface Setup {
  id: SetupId;
  label: string;
  server: ServerKind;
  nodes: 1 | 2;
  /** How the bench's clients speak to it, and where. */
  client: ConnectionKind;
  path: string;
}

export const SETUPS: readonly Setup[] = [
  { id: 'ws', label: 'bare `ws` server (the floor: no protocol, no rooms)', server: 'ws', nodes: 1, client: 'ws-gateway', path: '/' },
  { id: 'socketio', label: 'socket.io 4, default in-memory adapter', server: 'socketio', nodes: 1, client: 'socketio-ws', path: '/socket.io/?EIO=4&transport=websocket' },
  { id: 'unisocket', label: '@unisocket/server, memory adapter', server: 'unisocket', nodes: 1, client: 'ws-envelope', path: '/rt' },
  {
    id: 'socketio-redis',
    label: 'socket.io 4 + @socket.io/redis-streams-adapter, 2 nodes, 1 Redis',
    server: 'socketio-redis',
    nodes: 2,
    client: 'socketio-ws',
    path: '/socket.io/?EIO=4&transport=websocket',
  },
  { id: 'unisocket-redis', label: '@unisocket/server + Redis adapter, 2 nodes, 1 Redis', server: 'unisocket-redis', nodes: 2, client: 'ws-envelope', path: '/rt' },
];

export const TOKEN = 'bench-room-5c1e';
const TEXT = `${TOKEN} lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor`;
const SETTLE_MS = 1000;
const BROADCAST_BOUND_MS = 60_000;
/** Warm-up clients per node of the two-node setups (the one-node setups warm up with as many as they measure). */
const WARM_UP_CONNECTIONS = 20;
/**
 * The warm-up's stay in full runs: longer than the first heartbeat of every server measured (socket.io
 * pings 25 s after a client connects, ours every 5 s; a bare `ws` server never pings).
 */
export const WARM_UP_HOLD_MS = 27_000;
/** Warm-up clients per node opened one at a time before the others (see `warmUp`). */
const ONE_BY_ONE = 10;
/** How long a server may take to forget the warm-up clients once they left. */
const LEFT_BOUND_MS = 10_000;
const FAILOVER_BOUND_MS = 20_000;
/** The failover target: SIGKILL of a node to the client resumed on the other, median, with defaults. */
const FAILOVER_TARGET_MS = 1000;
const childEntry = fileURLToPath(new URL('../server-child.ts', import.meta.url));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Round {
  /** Warm-up connections that went through a heartbeat round before they left (one-node setups). */
  warmUpHeartbeats?: number;
  /** RSS growth per 1,000 connections, both readings after `idleMs` of idleness (one-node setups). */
  rssPer1000?: number;
  heapPer1000?: number;
  deliveriesPerSecond: number;
  serverCpuPer1000: number;
  redisCpuPer1000: number;
  clientCpuPer1000: number;
}

/** The nodes of one setup, with the Redis they share (two-node setups). */
export interface Deployment {
  nodes: BenchChild[];
  redis?: RedisProcess;
  close(): Promise<void>;
}

async function deploy(setup: Setup): Promise<Deployment> {
  const redis = setup.nodes === 2 ? await startRedis() : undefined;
  const nodes: BenchChild[] = [];
  const close = async () => {
    await Promise.all(nodes.map((node) => node.close()));
    await redis?.stop();
  };
  try {
    for (let i = 0; i < setup.nodes; i++) nodes.push(await startChild(childEntry, { kind: setup.server, redisUrl: redis?.url } satisfies ServerChildOptions));
  } catch (error) {
    await close();
    throw error;
  }
  return { nodes, redis, close };
}

const now: Exclusive = (work) => work();

/**
 * The same warm-up for every server, so that a reading holds what connections cost and not the code V8
 * compiles for the paths a connection runs: `connections` clients per node, of the kind the group
 * measures, connect, handshake and join the room, stay `holdMs` (a heartbeat round of every server that
 * has one, in full runs), then leave as clients that are done leave (their protocol's goodbye and the
 * closing handshake, `IdleConnections.leave`). Resolves once every node holds nothing of them (no
 * connection, socket or session: nothing in the room the broadcasts go to), with the number of warm-up
 * connections that went through a heartbeat round. Opening and leaving run in `exclusive` sections; the
 * stay does not.
 *
 * As many as the reading opens, not a few: V8 optimizes a function once it has run often enough, so 20
 * connections leave the handshake paths interpreted and the reading's 1,000 pay their optimized code
 * (about 300 KB for ours and 100 KB for bare `ws` in heap snapshots, most of the gap between them).
 *
 * The first `ONE_BY_ONE` open one at a time. V8 sizes the objects of a class by the first few it makes
 * (slack tracking): when those have every property a live connection gets before the size is fixed (a
 * TCP socket's back reference from `ws`, a stream's write callback), every later connection holds them
 * in the object; when not, in a separate 40-byte array each. Opened 50 at a time, which of the two a
 * process gets is left to chance, for every server alike: up to 120 bytes per connection between two
 * processes of one server (Node's \`Socket\` and two \`WritableState\`s), in heap snapshots.
 */
export async function warmUp(setup: Setup, deployment: Deployment, connections: number, holdMs: number, exclusive: Exclusive = now): Promise<number> {
  const { nodes } = deployment;
  const first = Math.min(ONE_BY_ONE, connections);
  const warm = await exclusive(async () => {
    const opened = [await openClients(setup, deployment, first * nodes.length, 1)];
    try {
      if (connections > first) opened.push(await openClients(setup, deployment, (connections - first) * nodes.length));
    } catch (error) {
      opened[0]!.close();
      throw error;
    }
    return together(opened);
  });
  try {
    await sleep(holdMs);
  } finally {
    await exclusive(() => warm.leave());
  }
  const deadline = Date.now() + LEFT_BOUND_MS;
  for (;;) {
    const held = await Promise.all(deployment.nodes.map((node) => node.request<number>('held')));
    const left = held.reduce((sum, n) => sum + n, 0);
    if (left === 0) break;
    if (Date.now() > deadline) throw new Error(`${setup.id}: ${left} warm-up clients still held ${LEFT_BOUND_MS} ms after they left`);
    await sleep(50);
  }
  return warm.heartbeatRounds();
}

/** Opens `count` clients spread evenly over the nodes, `concurrency` handshakes at a time (default: `openIdleConnections`'). */
async function openClients(setup: Setup, deployment: Deployment, count: number, concurrency?: number): Promise<IdleConnections> {
  const { nodes } = deployment;
  const groups: IdleConnections[] = [];
  try {
    for (const [index, node] of nodes.entries()) {
      const share = Math.floor(count / nodes.length) + (index < count % nodes.length ? 1 : 0);
      groups.push(await openIdleConnections(setup.client, node.url, share, TOKEN, setup.path, concurrency));
    }
  } catch (error) {
    for (const group of groups) group.close();
    throw error;
  }
  return together(groups);
}

/** Several groups of connections as one. */
function together(groups: readonly IdleConnections[]): IdleConnections {
  return {
    count: groups.reduce((sum, group) => sum + group.count, 0),
    delivered: () => groups.reduce((sum, group) => sum + group.delivered(), 0),
    lost: () => groups.map((group, index) => `node ${index + 1}: ${group.lost()}`).join('; '),
    heartbeatRounds: () => groups.reduce((sum, group) => sum + group.heartbeatRounds(), 0),
    close: () => groups.forEach((group) => group.close()),
    leave: async () => void (await Promise.all(groups.map((group) => group.leave()))),
  };
}

/** CPU time used so far, in ms: by every node of the deployment, by its Redis, and by this process (the clients). */
async function cpuNow(deployment: Deployment): Promise<{ nodes: number; redis: number; clients: number }> {
  const ms = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1000;
  const nodes = await Promise.all(deployment.nodes.map((node) => node.request<NodeJS.CpuUsage>('cpu')));
  return { nodes: nodes.reduce((sum, usage) => sum + ms(usage), 0), redis: (await deployment.redis?.cpuMs()) ?? 0, clients: ms(process.cpuUsage()) };
}

interface Broadcast {
  deliveriesPerSecond: number;
  /** CPU time per 1,000 deliveries, in ms: the nodes and Redis (Redis alone), and the bench process's clients. */
  serverCpuPer1000: number;
  redisCpuPer1000: number;
  clientCpuPer1000: number;
}

/**
 * `broadcasts` messages to the room from the first node; deliveries counted at every client / time to
 * the last one. CPU time is read too: unlike the rate, it barely moves with the load of a shared machine.
 */
async function broadcastRate(deployment: Deployment, clients: IdleConnections, broadcasts: number): Promise<Broadcast> {
  const expected = clients.count * broadcasts;
  const before = clients.delivered();
  const cpuBefore = await cpuNow(deployment);
  const start = performance.now();
  await deployment.nodes[0]!.request('broadcast', { count: broadcasts, text: TEXT } satisfies BroadcastRequest, BROADCAST_BOUND_MS);
  const deadline = Date.now() + BROADCAST_BOUND_MS;
  while (clients.delivered() - before < expected && Date.now() < deadline) await sleep(2);
  const delivered = clients.delivered() - before;
  if (delivered < expected) throw new Error(`${delivered} of ${expected} deliveries within ${BROADCAST_BOUND_MS} ms (connections lost: ${clients.lost()})`);
  const elapsed = performance.now() - start;
  const cpuAfter = await cpuNow(deployment);
  const per1000 = (key: 'nodes' | 'redis' | 'clients') => ((cpuAfter[key] - cpuBefore[key]) / delivered) * 1000;
  return {
    deliveriesPerSecond: (delivered / elapsed) * 1000,
    serverCpuPer1000: per1000('nodes') + per1000('redis'),
    redisCpuPer1000: per1000('redis'),
    clientCpuPer1000: per1000('clients'),
  };
}

const footprint = (usage: NodeJS.MemoryUsage) => usage.heapUsed + usage.external;

/** One-node setup: memory of `connections` idle clients, then the broadcast rate to them. */
async function measureOneNode(setup: Setup, sizes: Sizes, exclusive: Exclusive): Promise<Round> {
  const deployment = await exclusive(() => deploy(setup));
  const node = deployment.nodes[0]!;
  let clients: IdleConnections | undefined;
  try {
    const warmUpHeartbeats = await warmUp(setup, deployment, sizes.connections, sizes.warmUpHoldMs, exclusive);
    await sleep(sizes.idleMs);
    const opened = await exclusive(async () => {
      const before = await node.memory();
      const open = await openClients(setup, deployment, sizes.connections);
      return { open, before, openedAt: performance.now() };
    });
    clients = opened.open;
    await sleep(Math.max(0, sizes.idleMs - (performance.now() - opened.openedAt)));
    const open = clients;
    return await exclusive(async () => {
      const idle = await node.memory();
      const per1000 = (bytes: number) => (bytes / sizes.connections) * 1000;
      return {
        warmUpHeartbeats,
        rssPer1000: per1000(idle.rss - opened.before.rss),
        heapPer1000: per1000(footprint(idle) - footprint(opened.before)),
        ...(await broadcastRate(deployment, open, sizes.broadcasts)),
      };
    });
  } finally {
    const open = clients;
    await exclusive(async () => {
      open?.close();
      await deployment.close();
    });
  }
}

/** Two-node setup: the broadcast rate only (memory is a one-node figure). */
async function measureTwoNodes(setup: Setup, sizes: Sizes, exclusive: Exclusive): Promise<Round> {
  return exclusive(async () => {
    const deployment = await deploy(setup);
    let clients: IdleConnections | undefined;
    try {
      await warmUp(setup, deployment, WARM_UP_CONNECTIONS, 0);
      clients = await openClients(setup, deployment, sizes.connections);
      await sleep(SETTLE_MS);
      return await broadcastRate(deployment, clients, sizes.broadcasts);
    } finally {
      clients?.close();
      await deployment.close();
    }
  });
}

const CLUSTER_WATCHER = 'unisocket-cluster';

/**
 * One failover trial on a fresh two-node deployment: a page's `connect([a, b])` (every default) opens on
 * node a, which is then SIGKILLed; answers the ms from the kill to the client's `open` on node b with its
 * session resumed (a new session would be a failure: a gap).
 */
async function failoverTrial(browser: BenchBrowser): Promise<number> {
  const setup = SETUPS.find((candidate) => candidate.id === 'unisocket-redis')!;
  const deployment = await deploy(setup);
  const [a, b] = [deployment.nodes[0]!, deployment.nodes[1]!];
  const handle = await browser.newPage();
  try {
    await warmUp(setup, deployment, WARM_UP_CONNECTIONS, 0);
    await handle.page.evaluate(([kind, urls]) => window.bench.watch([kind], urls), [CLUSTER_WATCHER, `${a.url} ${b.url}`] as const);
    const opened = await waitFor(handle, [CLUSTER_WATCHER], (list) => list.some((e) => e.type === 'open'), FAILOVER_BOUND_MS, 25);
    const first = firstAfter(opened[CLUSTER_WATCHER], 'open', 0);
    if (!first?.endpoint?.includes(a.url)) throw new Error(`the client did not open on the first node: ${JSON.stringify(first)}`);
    // A moment within a heartbeat, so the kill never lines up with the node's own timers.
    await sleep(500 + Math.random() * 1000);
    const killedAt = Date.now();
    await a.kill();
    const events = await waitFor(handle, [CLUSTER_WATCHER], (list) => !!firstAfter(list, 'open', killedAt), FAILOVER_BOUND_MS, 10);
    const moved = firstAfter(events[CLUSTER_WATCHER], 'open', killedAt);
    if (!moved) throw new Error(`not open again within ${FAILOVER_BOUND_MS} ms of the kill`);
    if (!moved.resumed || !moved.endpoint?.includes(b.url)) throw new Error(`opened without resuming on the other node: ${JSON.stringify(moved)}`);
    return moved.at - killedAt;
  } finally {
    await handle.page.evaluate(() => window.bench.unwatch()).catch(() => {});
    await handle.close();
    await deployment.close();
  }
}

export async function runServer(context: GroupContext): Promise<Omit<GroupResult, 'ranAt' | 'durationMs' | 'quick'>> {
  // Quick runs skip the idle wait: their memory columns only show that the measurement works.
  const sizes: Sizes = pick(
    context,
    { rounds: 3, connections: 1000, broadcasts: 50, idleMs: 12_000, staggerMs: 2500, warmUpHoldMs: WARM_UP_HOLD_MS, failoverTrials: 9 },
    { rounds: 1, connections: 100, broadcasts: 5, idleMs: SETTLE_MS, staggerMs: 0, warmUpHoldMs: SETTLE_MS, failoverTrials: 1 },
  );
  const log = new ErrorLog();
  /** Per setup, one entry per round (NaN where the round failed), so that ratios pair rounds. */
  const rounds = new Map<SetupId, Round[]>(SETUPS.map((setup) => [setup.id, []]));
  const failed: Round = { warmUpHeartbeats: NaN, rssPer1000: NaN, heapPer1000: NaN, deliveriesPerSecond: NaN, serverCpuPer1000: NaN, redisCpuPer1000: NaN, clientCpuPer1000: NaN };
  for (let round = 0; round < sizes.rounds; round++) {
    // Quick runs only check that the code works: every setup at once, nothing waits for another.
    const exclusive: Exclusive = context.quick ? (work) => work() : createExclusive();
    const measure = async (setup: Setup, index: number) => {
      await sleep(index * sizes.staggerMs);
      try {
        rounds.get(setup.id)![round] = await (setup.nodes === 1 ? measureOneNode(setup, sizes, exclusive) : measureTwoNodes(setup, sizes, exclusive));
      } catch (error) {
        rounds.get(setup.id)![round] = failed;
        log.note(`server ${setup.id} round ${round + 1}`, error);
      }
      context.progress(`server round ${round + 1}/${sizes.rounds} ${setup.id}`);
    };
    await Promise.all(SETUPS.map(measure));
  }
  const failovers: number[] = [];
  const browser = await context.browser();
  for (let trial = 0; trial < sizes.failoverTrials; trial++) {
    try {
      failovers.push(await failoverTrial(browser));
    } catch (error) {
      log.note(`server failover trial ${trial + 1}`, error);
    }
    context.progress(`server failover trial ${trial + 1}/${sizes.failoverTrials}`);
  }
  const failover = spread(failovers);
  const series = (id: SetupId, metric: keyof Round) => (rounds.get(id) ?? []).map((r) => r[metric] ?? NaN);
  /** Per round: CPU per 1,000 deliveries of the whole setup (nodes, Redis, clients). */
  const totalCpu = (id: SetupId) => (rounds.get(id) ?? []).map((r) => r.serverCpuPer1000 + r.clientCpuPer1000);
  const med = (id: SetupId, metric: keyof Round) => median(series(id, metric).filter(Number.isFinite));
  const idleSeconds = sizes.idleMs / 1000;
  const oneNodeSetups = SETUPS.filter((setup) => setup.nodes === 1);
  const tables: Table[] = [
    {
      title: `Server memory per 1,000 idle WebSocket connections, one node (${int(sizes.connections)} clients, median of ${sizes.rounds} rounds)`,
      columns: ['server', `RSS per 1,000, idle (${idleSeconds} s)`, 'vs socket.io', 'vs bare ws', `JS heap used + external per 1,000`],
      rows: oneNodeSetups.map(({ id, label }) => [
        label,
        mib(med(id, 'rssPer1000')),
        ratio(pairedRatio(series(id, 'rssPer1000'), series('socketio', 'rssPer1000'))),
        ratio(pairedRatio(series(id, 'rssPer1000'), series('ws', 'rssPer1000'))),
        mib(med(id, 'heapPer1000')),
      ]),
      note: `Every node is its own Node.js process (\`--expose-gc\`), fresh for every setup and round; the setups of a round run side by side, ${sizes.staggerMs / 1000} s apart, so that their idle waits overlap, while starting, opening, reading and broadcasting happen for one setup at a time. Memory is read with \`process.memoryUsage()\` after two full GCs and scaled to 1,000. Before its baseline every server gets the same warm-up: as many clients as the reading opens (${int(sizes.connections)}; the first ${ONE_BY_ONE} one at a time, so that V8 gives every server's connection objects the same layout) connect, handshake, join the room and stay ${sizes.warmUpHoldMs / 1000} s, past the first heartbeat of every server that has one (ours pings every 5 s, socket.io 25 s after a client connects, bare ws never; warm-up clients through a heartbeat round, median: ours ${int(med('unisocket', 'warmUpHeartbeats'))}, socket.io ${int(med('socketio', 'warmUpHeartbeats'))}), then leave as clients that are done leave (the envelope's \`bye\`, Socket.IO's \`41\`, nothing for raw WebSocket; then the closing handshake), and the group checks that the server holds nothing of them (no connection, socket or session) before it waits ${idleSeconds} s and reads the baseline. So the code V8 compiles and optimizes for what an idle connection runs is in every server's baseline, and the reading is what ${int(sizes.connections)} more connections hold ${idleSeconds} s after they opened: per-connection memory, not one-time code (with 20 warm-up clients, as before, the reading also held the optimized code of the handshake paths: about 300 KB for ours, 100 KB for bare ws). The clients are Node \`ws\` connections in the bench process: raw WebSocket to the bare server, Engine.IO 4 WebSocket (no polling) + namespace CONNECT to socket.io, the envelope \`hello\` to ours; every server puts each connection in one room as it connects.`,
    },
    {
      title: `Room broadcast to ${int(sizes.connections)} clients (${int(sizes.broadcasts)} messages, median of ${sizes.rounds} rounds)`,
      columns: [
        'server',
        'deliveries/s',
        'vs socket.io on one node',
        'vs socket.io + redis-streams-adapter on two nodes',
        'CPU per 1,000 deliveries: nodes + Redis (of which Redis)',
        'CPU per 1,000 deliveries: the clients',
        'total CPU vs socket.io, same node count',
      ],
      rows: SETUPS.map(({ id, label, nodes }) => [
        label,
        rate(med(id, 'deliveriesPerSecond')),
        ratio(pairedRatio(series(id, 'deliveriesPerSecond'), series('socketio', 'deliveriesPerSecond'))),
        ratio(pairedRatio(series(id, 'deliveriesPerSecond'), series('socketio-redis', 'deliveriesPerSecond'))),
        `${ms(med(id, 'serverCpuPer1000'))}${nodes === 2 ? ` (${ms(med(id, 'redisCpuPer1000'))})` : ''}`,
        ms(med(id, 'clientCpuPer1000')),
        ratio(pairedRatio(totalCpu(id), totalCpu(nodes === 1 ? 'socketio' : 'socketio-redis'))),
      ]),
      note: `The broadcast is sent from inside the first node (\`io.to(room).emit\`, our \`server.to(room).emit\`, the bare server's loop over its sockets), ${int(sizes.broadcasts)} messages in a row; rate = deliveries counted at the clients / time from the request to the last delivery. CPU: \`process.cpuUsage()\` of every node, Redis's \`INFO cpu\` and the bench process (the clients) over the same span, per 1,000 deliveries; on a shared machine the rate moves with everyone else's load, the CPU time much less (total CPU below 1.00x: less work per delivery than socket.io). Two-node setups: two processes sharing one \`redis-server\` (fresh per round), the clients split evenly between them, so half the deliveries cross Redis. The bench process, the nodes and Redis share the machine's cores: a broadcast rate is what the whole setup delivers, clients' parsing included, which is the same work for every server.`,
    },
  ];
  tables.push({
    title: `Failover: SIGKILL of a node to the client resumed on the other (${failover.n} of ${sizes.failoverTrials} trials)`,
    columns: ['client', 'median', 'p10 – p90', 'max'],
    rows: [['unisocket `connect([a, b])`, every default, in Chromium', ms(failover.median), `${ms(failover.p10)} – ${ms(failover.p90)}`, ms(failover.max)]],
    note: `Two @unisocket/server nodes (Redis adapter, one Redis), fresh for every trial. A page in Chromium runs \`connect([a, b])\` with every default and opens on node a; 0.5 to 1.5 s later node a's process gets SIGKILL (no close frame, no goodbye). Time from the kill to the client's \`open\` on node b with \`resumed: true\` (its session taken over, its missed frames replayed): the loss is seen when the kernel resets the connection, the first reconnect waits one backoff delay (full jitter under 100 ms), node a's WebSocket and SSE endpoints are refused at once, node b's WebSocket resumes. A node that hangs instead of refusing would add \`fallbackDelayMs\` (1 s) per endpoint; a trial that opened without resuming would count as failed.`,
  });
  const ratioOf = (id: SetupId, reference: SetupId, metric: keyof Round) => pairedRatio(series(id, metric), series(reference, metric));
  const verdict = (value: number, ok: (value: number) => boolean): TargetCheck['verdict'] => (Number.isFinite(value) ? (ok(value) ? 'met' : 'missed') : 'n/a');
  const heapVsSocketIo = ratioOf('unisocket', 'socketio', 'heapPer1000');
  const heapVsWs = ratioOf('unisocket', 'ws', 'heapPer1000');
  const oneNode = ratioOf('unisocket', 'socketio', 'deliveriesPerSecond');
  const twoNodes = ratioOf('unisocket-redis', 'socketio-redis', 'deliveriesPerSecond');
  const memoryMeasured = (reference: SetupId, heapRatio: number) =>
    `JS heap + external ${mib(med('unisocket', 'heapPer1000'))} vs ${mib(med(reference, 'heapPer1000'))} = ${ratio(heapRatio)} (RSS ${mib(med('unisocket', 'rssPer1000'))} vs ${mib(med(reference, 'rssPer1000'))} = ${ratio(ratioOf('unisocket', reference, 'rssPer1000'))})`;
  const targets: TargetCheck[] = [
    { target: 'server memory per 1,000 idle connections ≤ 0.5x a socket.io 4 server (default adapter)', measured: memoryMeasured('socketio', heapVsSocketIo), verdict: verdict(heapVsSocketIo, (value) => value <= 0.5) },
    { target: 'server memory per 1,000 idle connections ≤ 1.1x a bare `ws` server', measured: memoryMeasured('ws', heapVsWs), verdict: verdict(heapVsWs, (value) => value <= 1.1) },
    {
      target: 'room broadcast to 1,000 clients ≥ 1.5x socket.io `io.to(room).emit`, one node',
      measured: `${rate(med('unisocket', 'deliveriesPerSecond'))} vs ${rate(med('socketio', 'deliveriesPerSecond'))} = ${ratio(oneNode)} (bare ws: ${ratio(ratioOf('ws', 'socketio', 'deliveriesPerSecond'))}); CPU per delivery ${ratio(pairedRatio(totalCpu('unisocket'), totalCpu('socketio')))} socket.io's`,
      verdict: verdict(oneNode, (value) => value >= 1.5),
    },
    {
      target: 'room broadcast to 1,000 clients ≥ 1.5x socket.io + @socket.io/redis-streams-adapter, two nodes + Redis',
      measured: `${rate(med('unisocket-redis', 'deliveriesPerSecond'))} vs ${rate(med('socketio-redis', 'deliveriesPerSecond'))} = ${ratio(twoNodes)}; CPU per delivery ${ratio(pairedRatio(totalCpu('unisocket-redis'), totalCpu('socketio-redis')))} theirs (nodes + Redis per 1,000: ${ms(med('unisocket-redis', 'serverCpuPer1000'))} vs ${ms(med('socketio-redis', 'serverCpuPer1000'))})`,
      verdict: verdict(twoNodes, (value) => value >= 1.5),
    },
    {
      target: `failover: SIGKILL of a node to the client resumed on the other, median ≤ ${FAILOVER_TARGET_MS / 1000} s with defaults`,
      measured: `${ms(failover.median)} (p10 – p90 ${ms(failover.p10)} – ${ms(failover.p90)}, max ${ms(failover.max)}, ${failover.n} trials)`,
      verdict: verdict(failover.median, (value) => value <= FAILOVER_TARGET_MS),
    },
  ];
  const headlines = [
    `@unisocket/server: ${mib(med('unisocket', 'heapPer1000'))} JS heap per 1,000 idle connections (socket.io ${mib(med('socketio', 'heapPer1000'))}, bare ws ${mib(med('ws', 'heapPer1000'))}); room broadcast ${ratio(oneNode)} socket.io's on one node, ${ratio(twoNodes)} socket.io + redis-streams-adapter's on two; failover after a SIGKILL ${ms(failover.median)} median`,
  ];
  return {
    group: 'server',
    title: 'Server: memory, room broadcast and failover beside socket.io and bare ws',
    tables,
    targets,
    headlines,
    errors: log.errors,
    data: { sizes, rounds: Object.fromEntries(rounds), failovers },
  };
}
