// `pnpm --filter @unisocket/bench heap [server...] [--connections N] [--warm-up N] [--warm-up-hold MS] [--hold N] [--idle MS] [--keep DIR]`:
// where the memory of idle connections goes, by constructor. For each one-node server of the server
// group (`ws`, `socketio`, `unisocket`; default `ws unisocket`) it starts the same child process the
// group does (`--expose-gc`), runs the group's warm-up (as many connections as it measures, or
// `--warm-up N`, that stay 27 s, through a heartbeat round of every server that has one, then leave
// with their protocol's goodbye; `--warm-up 0` skips it), opens `--hold` connections it keeps (default none), waits, takes a heap snapshot, opens N
// clients of the group's kind, waits again, takes another, and prints what grew per connection, and how
// many objects of the kinds every connection adds the baseline already held (the held connections'
// own, and nothing the warm-up left). With several servers it also prints each one's growth beyond the
// first's (e.g. ours beyond bare `ws`).
//
// `--hold 1000` reads the cost of 1,000 more connections on a node that already serves 1,000: whatever
// V8 compiles for serving connections that the warm-up did not reach is then in both snapshots.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startChild } from './child/parent.js';
import { SETUPS, TOKEN, WARM_UP_HOLD_MS, warmUp, type Setup } from './groups/server.js';
import { census, growth, type HeapCensus, type HeapGrowth } from './heap-diff.js';
import { openIdleConnections } from './net/idle-connections.js';

const USAGE = `usage: pnpm --filter @unisocket/bench heap [ws|socketio|unisocket ...] [--connections N] [--warm-up N] [--warm-up-hold MS] [--hold N] [--idle MS] [--keep DIR]`;

interface Args {
  servers: Setup[];
  connections: number;
  /** Warm-up connections; undefined: as many as `connections` (the group's rule). */
  warmUp: number | undefined;
  warmUpHoldMs: number;
  hold: number;
  idleMs: number;
  keep: string | undefined;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { servers: [], connections: 1000, warmUp: undefined, warmUpHoldMs: WARM_UP_HOLD_MS, hold: 0, idleMs: 12_000, keep: undefined };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') continue;
    else if (arg === '--connections') args.connections = Number(argv[++i]);
    else if (arg === '--warm-up') args.warmUp = Number(argv[++i]);
    else if (arg === '--warm-up-hold') args.warmUpHoldMs = Number(argv[++i]);
    else if (arg === '--hold') args.hold = Number(argv[++i]);
    else if (arg === '--idle') args.idleMs = Number(argv[++i]);
    else if (arg === '--keep') args.keep = argv[++i];
    else {
      const setup = SETUPS.find((candidate) => candidate.id === arg && candidate.nodes === 1);
      if (!setup) throw new TypeError(`unknown server "${arg}"\n${USAGE}`);
      args.servers.push(setup);
    }
  }
  if (!(args.connections > 0) || !((args.warmUp ?? 0) >= 0) || !(args.warmUpHoldMs >= 0) || !(args.hold >= 0) || !(args.idleMs >= 0)) throw new TypeError(USAGE);
  if (args.servers.length === 0) args.servers = SETUPS.filter((setup) => setup.id === 'ws' || setup.id === 'unisocket');
  return args;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const footprint = (usage: NodeJS.MemoryUsage) => usage.heapUsed + usage.external;

interface Reading {
  usage: NodeJS.MemoryUsage;
  census: HeapCensus;
}

/** One server: its census before and after `connections` idle clients. */
async function measure(setup: Setup, args: Args, dir: string): Promise<{ before: Reading; after: Reading }> {
  const node = await startChild(fileURLToPath(new URL('./server-child.ts', import.meta.url)), { kind: setup.server });
  let held: { close(): void } | undefined;
  try {
    const warmUpConnections = args.warmUp ?? args.connections;
    if (warmUpConnections > 0) await warmUp(setup, { nodes: [node], close: async () => undefined }, warmUpConnections, args.warmUpHoldMs);
    if (args.hold > 0) held = await openIdleConnections(setup.client, node.url, args.hold, TOKEN, setup.path);
    await sleep(args.idleMs);
    const read = async (name: string): Promise<Reading> => {
      const { usage, file } = await node.request<{ usage: NodeJS.MemoryUsage; file: string }>('heap-snapshot', join(dir, `${setup.id}-${name}.heapsnapshot`), 120_000);
      return { usage, census: census(file) };
    };
    const before = await read('before');
    const clients = await openIdleConnections(setup.client, node.url, args.connections, TOKEN, setup.path);
    try {
      await sleep(args.idleMs);
      return { before, after: await read('after') };
    } finally {
      clients.close();
    }
  } finally {
    held?.close();
    await node.close();
  }
}

function print(title: string, rows: HeapGrowth[]): void {
  const total = rows.reduce((sum, row) => sum + row.bytesPerConnection, 0);
  console.log(`\n${title}: ${total.toFixed(0)} B per connection in the snapshot\n${'bytes'.padStart(8)} ${'count'.padStart(7)}  kind`);
  for (const row of rows) console.log(`${row.bytesPerConnection.toFixed(1).padStart(8)} ${row.countPerConnection.toFixed(2).padStart(7)}  ${row.kind}`);
}

const args = parseArgs(process.argv.slice(2));
const dir = args.keep ?? mkdtempSync(join(tmpdir(), 'unisocket-heap-'));
mkdirSync(dir, { recursive: true });
try {
  const results: { setup: Setup; after: HeapCensus; before: HeapCensus; heap: number }[] = [];
  for (const setup of args.servers) {
    const { before, after } = await measure(setup, args, dir);
    const per = (key: 'heapUsed' | 'external' | 'rss') => ((after.usage[key] - before.usage[key]) / args.connections).toFixed(0);
    const heap = (footprint(after.usage) - footprint(before.usage)) / args.connections;
    const rows = growth(before.census, after.census, args.connections, 2);
    print(`${setup.id}: JS heap + external ${heap.toFixed(0)} B per connection (heap ${per('heapUsed')}, external ${per('external')}, RSS ${per('rss')})`, rows);
    // Classes every connection adds one or more of: the baseline should hold only the held connections'
    // share (plain objects, arrays and V8's internal kinds are everywhere, so they tell nothing here).
    const perConnection = rows.filter((row) => row.countPerConnection >= 0.99 && !row.kind.startsWith('(') && row.kind !== 'Object' && row.kind !== 'Array');
    console.log(
      `in the baseline, of the kinds every connection adds (expected: ${args.hold} held × per connection): ` +
        perConnection.map((row) => `${row.kind} ${before.census.get(row.kind)?.count ?? 0} (${(args.hold * row.countPerConnection).toFixed(0)})`).join(', '),
    );
    results.push({ setup, before: before.census, after: after.census, heap });
  }
  const [reference, ...others] = results;
  for (const other of others) {
    // (other.after - other.before) - (reference.after - reference.before), by kind.
    const grown = (result: (typeof results)[number]) => new Map(growth(result.before, result.after, 1, 0).map((row) => [row.kind, { count: row.countPerConnection, bytes: row.bytesPerConnection }]));
    print(`${other.setup.id} beyond ${reference!.setup.id} (JS heap + external ${(other.heap / reference!.heap).toFixed(2)}x)`, growth(grown(reference!), grown(other), args.connections, 2));
  }
} finally {
  if (!args.keep) rmSync(dir, { recursive: true, force: true });
}
