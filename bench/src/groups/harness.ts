// Group `harness`: the reference server's memory per 1,000 idle connections of each endpoint kind,
// and its broadcast rate to that many clients. Every kind and round gets a fresh harness process
// (so freed memory of one kind cannot hide the next one's), measured after a full GC.
//
// "Idle" is read after the harness has been left alone for `idleMs`, before and after the connections
// open: V8 grows its young generation during a burst of allocations (process start, 1,000 handshakes)
// and its memory reducer gives it back only after some seconds without such a burst (its first pass
// starts 8 s after a full GC). A reading 1 s after the burst (also reported) measures that transient,
// which V8's semi-space maximum bounds, rather than what the connections hold.
//
// The five kinds of a round run side by side, `staggerMs` apart: their idle waits (2 x 12 s of the
// ~26 s a kind takes) overlap, which brings the group from ~6.3 to ~2 minutes. Each harness is its
// own process, so its memory readings stay its own; the idle waits are what V8's timers need, not
// CPU. Everything that uses the CPU or is timed (start and warm-up, opening with its 1 s settle and
// readings, the idle reading with the broadcast, closing) runs in one `exclusive` section at a time,
// so a broadcast rate never shares the machine with another kind's work. The stagger is about the
// longest section (opening 1,000 sockets + 1 s), so the kinds rarely wait for one another; when they
// do, an idle wait lasts longer than `idleMs` (never shorter), and the longest one is reported.
import { Agent, request } from 'node:http';
import { int, mib, rate } from '../format.js';
import { createExclusive, type Exclusive } from '../exclusive.js';
import { startHarnessProcess, type HarnessProcess } from '../harness-process.js';
import { CONNECTION_KINDS, openIdleConnections, type ConnectionKind, type IdleConnections } from '../net/idle-connections.js';
import WebSocket from 'ws';
import { ErrorLog, type GroupResult, type Table, type TargetCheck } from '../results.js';
import { median } from '../stats.js';
import { pick, type GroupContext } from './context.js';

interface Sizes {
  rounds: number;
  connections: number;
  broadcasts: number;
  /** How long the harness is left idle before each idle reading, in ms (at least). */
  idleMs: number;
  /** Delay between the starts of the kinds of one round, in ms. */
  staggerMs: number;
}

export const TOKEN = 'bench-broadcast-7f3a';
const TEXT = `${TOKEN} lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor`;
const SETTLE_MS = 1000;
const BROADCAST_BOUND_MS = 60_000;
const WARM_UP_CONNECTIONS = 20;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const footprint = (usage: NodeJS.MemoryUsage) => usage.heapUsed + usage.external;

interface Round {
  /** RSS growth with both readings taken after `idleMs` of idleness. */
  rssPer1000: number;
  /** RSS growth 1 s after the connections opened (young generation still grown by the burst). */
  burstRssPer1000: number;
  heapPer1000: number;
  deliveriesPerSecond: number;
  /** The idle waits as they happened: before the baseline reading, and from opening to the idle reading. */
  idleBeforeMs: number;
  idleAfterMs: number;
}

/** A broadcast source for `kind`: one call sends one message that reaches every connection. */
export async function broadcaster(kind: ConnectionKind, harnessUrl: string): Promise<{ send(): Promise<void>; close(): void }> {
  if (kind === 'socketio-ws') {
    // A Socket.IO client's `chat` goes to every socket of the namespace (the harness's chat app).
    const socket = new WebSocket(`${harnessUrl.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`);
    await new Promise<void>((resolve, reject) => {
      socket.on('error', reject);
      socket.on('message', (data) => {
        const text = String(data);
        if (text.startsWith('0')) socket.send('40');
        else if (text.startsWith('40')) resolve();
        else if (text === '2') socket.send('3');
      });
    });
    return { send: async () => socket.send(`42${JSON.stringify(['chat', { text: TEXT }])}`), close: () => socket.terminate() };
  }
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  const [path, body] =
    kind === 'ws-envelope' || kind === 'sse-envelope'
      ? ['/rt/push', { name: 'bench', args: [{ text: TEXT }] }]
      : kind === 'ws-gateway'
        ? ['/gateways/chat/messages', { message: TEXT }]
        : ['/sse/bench', { message: TEXT }];
  const payload = JSON.stringify(body);
  const send = () =>
    new Promise<void>((resolve, reject) => {
      const req = request(`${harnessUrl}${path}`, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } }, (res) => {
        res.resume();
        res.on('end', () => ((res.statusCode ?? 500) < 400 ? resolve() : reject(new Error(`POST ${path}: HTTP ${res.statusCode}`))));
      });
      req.on('error', reject);
      req.end(payload);
    });
  return { send, close: () => agent.destroy() };
}

async function broadcastRate(kind: ConnectionKind, harness: HarnessProcess, connections: IdleConnections, messages: number): Promise<number> {
  const source = await broadcaster(kind, harness.url);
  try {
    const expected = connections.count * messages;
    const before = connections.delivered();
    const start = performance.now();
    // Four requests in flight keep the harness busy without queueing everything at once.
    let next = 0;
    const worker = async () => {
      while (next < messages) {
        next++;
        await source.send();
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    const deadline = Date.now() + BROADCAST_BOUND_MS;
    while (connections.delivered() - before < expected && Date.now() < deadline) await sleep(2);
    const delivered = connections.delivered() - before;
    if (delivered < expected) throw new Error(`${kind}: ${delivered} of ${expected} deliveries within ${BROADCAST_BOUND_MS} ms`);
    return (delivered / (performance.now() - start)) * 1000;
  } finally {
    source.close();
  }
}

/** A fresh harness for `kind`, with one-time costs (module state, JIT) paid before the baseline. */
async function warmHarness(kind: ConnectionKind): Promise<HarnessProcess> {
  // Idle SSE streams must stay open (the plain ones end after 25 s by default); no tutorial timer.
  const harness = await startHarnessProcess({ sseMaxAgeSeconds: 0, testEventDelayMs: -1 });
  try {
    const warm = await openIdleConnections(kind, harness.url, WARM_UP_CONNECTIONS, TOKEN);
    warm.close();
    return harness;
  } catch (error) {
    await harness.close();
    throw error;
  }
}

async function measureRound(kind: ConnectionKind, sizes: Sizes, exclusive: Exclusive): Promise<Round> {
  const { harness, warmedAt } = await exclusive(async () => ({ harness: await warmHarness(kind), warmedAt: performance.now() }));
  let connections: IdleConnections | undefined;
  try {
    await sleep(sizes.idleMs);
    const opened = await exclusive(async () => {
      const idleBeforeMs = performance.now() - warmedAt;
      const before = await harness.memory();
      const open = await openIdleConnections(kind, harness.url, sizes.connections, TOKEN);
      const openedAt = performance.now();
      try {
        await sleep(SETTLE_MS);
        return { open, openedAt, idleBeforeMs, before, burst: await harness.memory() };
      } catch (error) {
        open.close();
        throw error;
      }
    });
    connections = opened.open;
    await sleep(Math.max(0, sizes.idleMs - (performance.now() - opened.openedAt)));
    const open = connections;
    return await exclusive(async () => {
      const idleAfterMs = performance.now() - opened.openedAt;
      const idle = await harness.memory();
      const per1000 = (bytes: number) => (bytes / sizes.connections) * 1000;
      const deliveriesPerSecond = await broadcastRate(kind, harness, open, sizes.broadcasts);
      return {
        rssPer1000: per1000(idle.rss - opened.before.rss),
        burstRssPer1000: per1000(opened.burst.rss - opened.before.rss),
        heapPer1000: per1000(footprint(idle) - footprint(opened.before)),
        deliveriesPerSecond,
        idleBeforeMs: opened.idleBeforeMs,
        idleAfterMs,
      };
    });
  } finally {
    // Closing 1,000 sockets is work too: not while another kind broadcasts.
    const open = connections;
    await exclusive(async () => {
      open?.close();
      await harness.close();
    });
  }
}

export async function runHarness(context: GroupContext): Promise<Omit<GroupResult, 'ranAt' | 'durationMs' | 'quick'>> {
  // Quick runs skip the idle wait: their memory columns only show that the measurement works.
  const sizes: Sizes = pick(
    context,
    { rounds: 3, connections: 1000, broadcasts: 20, idleMs: 12_000, staggerMs: 2500 },
    { rounds: 1, connections: 100, broadcasts: 5, idleMs: SETTLE_MS, staggerMs: 1200 },
  );
  const idleSeconds = sizes.idleMs / 1000;
  const log = new ErrorLog();
  const rounds = new Map<ConnectionKind, Round[]>();
  for (let round = 0; round < sizes.rounds; round++) {
    const exclusive = createExclusive();
    await Promise.all(
      CONNECTION_KINDS.map(async ({ kind }, index) => {
        await sleep(index * sizes.staggerMs);
        try {
          const result = await measureRound(kind, sizes, exclusive);
          rounds.set(kind, [...(rounds.get(kind) ?? []), result]);
        } catch (error) {
          log.note(`harness ${kind} round ${round + 1}`, error);
        }
        context.progress(`harness round ${round + 1}/${sizes.rounds} ${kind}`);
      }),
    );
  }
  const longestIdle = Math.max(0, ...[...rounds.values()].flat().flatMap((r) => [r.idleBeforeMs, r.idleAfterMs]));
  const med = (kind: ConnectionKind, metric: keyof Round) => median((rounds.get(kind) ?? []).map((r) => r[metric]));
  const tables: Table[] = [
    {
      title: `Harness memory per 1,000 idle connections and broadcast rate (${int(sizes.connections)} clients, median of ${sizes.rounds} rounds)`,
      columns: [
        'endpoint kind',
        `RSS per 1,000, idle (${idleSeconds} s)`,
        'RSS per 1,000, 1 s after opening',
        `JS heap used + external per 1,000, idle (${idleSeconds} s)`,
        `broadcast deliveries/s (${int(sizes.broadcasts)} messages to ${int(sizes.connections)} clients)`,
      ],
      rows: CONNECTION_KINDS.map(({ kind, label }) => [label, mib(med(kind, 'rssPer1000')), mib(med(kind, 'burstRssPer1000')), mib(med(kind, 'heapPer1000')), rate(med(kind, 'deliveriesPerSecond'))]),
      note: `The harness runs in its own Node.js process (\`--expose-gc\`), fresh for every kind and round; the five kinds of a round run side by side, ${sizes.staggerMs / 1000} s apart, so that their idle waits overlap, while starting, opening, reading, broadcasting and closing happen for one kind at a time (each idle wait lasts at least ${idleSeconds} s; the longest here: ${(longestIdle / 1000).toFixed(1)} s). Memory is read with \`process.memoryUsage()\` after two full GCs and scaled to 1,000. Baseline: 20 warm-up connections opened and closed, then ${idleSeconds} s idle. "Idle": the same connections, ${idleSeconds} s after they opened, nothing sent but the endpoints' own heartbeats (by then V8 has given back the young generation that the burst of handshakes grew). "1 s after opening": the reading the idle one started from, young generation still grown. The clients are Node \`ws\` and \`http\` connections in the bench process; broadcasts: \`POST /rt/push\` (envelope), \`POST /gateways/chat/messages\` (gateway), \`POST /sse/bench\` (plain SSE), a Socket.IO client's \`chat\` to the namespace; rate = deliveries counted at the clients / time from the first send to the last delivery.`,
    },
  ];
  const wsMemory = med('ws-envelope', 'rssPer1000');
  const targets: TargetCheck[] = [
    {
      target: 'harness memory per 1,000 idle WebSocket connections ≤ 10 MiB',
      measured: `${mib(wsMemory)} RSS after ${idleSeconds} s idle (envelope), ${mib(med('ws-gateway', 'rssPer1000'))} (raw gateway); 1 s after opening: ${mib(med('ws-envelope', 'burstRssPer1000'))}, ${mib(med('ws-gateway', 'burstRssPer1000'))}`,
      verdict: Number.isFinite(wsMemory) ? (wsMemory <= 10 * 1024 * 1024 ? 'met' : 'missed') : 'n/a',
    },
  ];
  return {
    group: 'harness',
    title: 'Harness server',
    tables,
    targets,
    headlines: Number.isFinite(wsMemory) ? [`harness: ${mib(wsMemory)} per 1,000 idle WebSocket connections, ${rate(med('ws-envelope', 'deliveriesPerSecond'))} broadcast deliveries`] : [],
    errors: log.errors,
    data: { sizes, rounds: Object.fromEntries(rounds) },
  };
}
