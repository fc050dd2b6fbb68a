// Group `bundle`: minified + gzip + brotli size of the smallest real use of each library, built the
// same way (a Vite 8 production build of a one-line app) so only the libraries differ; and what each
// of our source files costs two of our scenarios, in gzip bytes.
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { bundleSnippet } from '../bundler.js';
import { int, kb, ratio } from '../format.js';
import { ErrorLog, type GroupResult, type Table, type TargetCheck } from '../results.js';
import { gzipCostByFile, type FileCost } from '../size-by-file.js';
import type { GroupContext } from './context.js';

interface Scenario {
  id: string;
  label: string;
  /** The npm package measured (its version goes into the report). */
  pkg?: string;
  code: string;
}

const use = (name: string) => `${name}.on('chat', (m) => console.log(m)); ${name}.emit('chat', { text: 'hi' });`;

export const OURS: readonly Scenario[] = [
  { id: 'ours-connect', label: 'unisocket `connect()` (envelope, WebSocket + SSE fallback)', pkg: '@unisocket/client', code: `import { connect } from '@unisocket/client'; const c = connect('https://example.test'); ${use('c')}` },
  {
    id: 'ours-websocket',
    label: 'unisocket WebSocket only (`createClient` + `websocket()`)',
    pkg: '@unisocket/client',
    code: `import { createClient, websocket } from '@unisocket/client'; const c = createClient({ endpoints: [websocket('wss://example.test/rt')] }); ${use('c')}`,
  },
  {
    id: 'ours-sse',
    label: 'unisocket SSE + POST only (`createClient` + `sse()`)',
    pkg: '@unisocket/client',
    code: `import { createClient, sse } from '@unisocket/client'; const c = createClient({ endpoints: [sse('https://example.test/rt')] }); ${use('c')}`,
  },
  {
    id: 'ours-socketio',
    label: 'unisocket Socket.IO endpoint (`createClient` + `socketio()`)',
    pkg: '@unisocket/client',
    code: `import { createClient, socketio } from '@unisocket/client'; const c = createClient({ endpoints: socketio('https://example.test') }); ${use('c')}`,
  },
  {
    id: 'ours-connect-socketio',
    label: 'unisocket `connectSocketIo(url)`',
    pkg: '@unisocket/client',
    code: `import { connectSocketIo } from '@unisocket/client'; const c = connectSocketIo('https://example.test'); ${use('c')}`,
  },
  { id: 'ours-everything', label: 'unisocket, every export', pkg: '@unisocket/client', code: `import * as unisocket from '@unisocket/client'; console.log(unisocket);` },
];

export const ANCHORS: readonly Scenario[] = [
  { id: 'socket.io-client', label: 'socket.io-client `io()`', pkg: 'socket.io-client', code: `import { io } from 'socket.io-client'; const s = io('https://example.test'); ${use('s')}` },
  {
    id: 'engine.io-client',
    label: 'engine.io-client `Socket`',
    pkg: 'engine.io-client',
    code: `import { Socket } from 'engine.io-client'; const s = new Socket('https://example.test'); s.on('message', (m) => console.log(m)); s.on('open', () => s.send('hi'));`,
  },
  {
    id: 'centrifuge',
    label: 'centrifuge (JSON, one subscription)',
    pkg: 'centrifuge',
    code: `import { Centrifuge } from 'centrifuge'; const c = new Centrifuge('wss://example.test/connection/websocket'); const sub = c.newSubscription('chat'); sub.on('publication', (ctx) => console.log(ctx.data)); sub.subscribe(); c.connect(); c.publish('chat', { text: 'hi' });`,
  },
  {
    id: 'phoenix',
    label: 'phoenix `Socket` + channel',
    pkg: 'phoenix',
    code: `import { Socket } from 'phoenix'; const s = new Socket('/socket'); s.connect(); const ch = s.channel('room:lobby'); ch.on('chat', (m) => console.log(m)); ch.join(); ch.push('chat', { text: 'hi' });`,
  },
  {
    id: 'partysocket',
    label: 'partysocket (`partysocket/ws`, its reconnecting WebSocket)',
    pkg: 'partysocket',
    code: `import ReconnectingWebSocket from 'partysocket/ws'; const ws = new ReconnectingWebSocket('wss://example.test/rt'); ws.addEventListener('message', (e) => console.log(e.data)); ws.send('hi');`,
  },
  {
    id: 'reconnecting-websocket',
    label: 'reconnecting-websocket',
    pkg: 'reconnecting-websocket',
    code: `import ReconnectingWebSocket from 'reconnecting-websocket'; const ws = new ReconnectingWebSocket('wss://example.test/rt'); ws.addEventListener('message', (e) => console.log(e.data)); ws.send('hi');`,
  },
  {
    id: 'fetch-event-source',
    label: '@microsoft/fetch-event-source (+ `fetch` POST upstream)',
    pkg: '@microsoft/fetch-event-source',
    code: `import { fetchEventSource } from '@microsoft/fetch-event-source'; fetchEventSource('/rt', { onmessage: (m) => console.log(m.data) }); fetch('/rt', { method: 'POST', body: JSON.stringify({ text: 'hi' }) });`,
  },
  {
    id: 'native-websocket',
    label: 'floor: a bare native `WebSocket`',
    code: `const ws = new WebSocket('wss://example.test/rt'); ws.onmessage = (e) => console.log(e.data); ws.onopen = () => ws.send(JSON.stringify({ name: 'chat', args: [{ text: 'hi' }] }));`,
  },
  {
    id: 'native-eventsource',
    label: 'floor: a bare native `EventSource` + `fetch` POST',
    code: `const es = new EventSource('/rt'); es.onmessage = (e) => console.log(e.data); fetch('/rt', { method: 'POST', body: JSON.stringify({ name: 'chat', args: [{ text: 'hi' }] }) });`,
  },
];

/**
 * What the two bundles issue 12 guards should load up front, in gzip bytes: their size before issues
 * 12 and 14 landed (the bundle group on `main` at 584202c, 2026-12-06: `connect()` 9,686, the
 * Socket.IO endpoint 10,936). Issue 12: "the default `connect()` bundle must not grow"; its done-when:
 * the Socket.IO endpoint and the default bundle no larger than then. Reported as a target of the
 * bundle group. Code loaded on demand (`import()`) is not counted: it has its own column, and
 * DESIGN.md says when it loads.
 */
export const GZIP_BUDGET: Readonly<Record<'ours-connect' | 'ours-socketio', number>> = { 'ours-connect': 9_686, 'ours-socketio': 10_936 };

/**
 * What they load up front at most until the budget above is met, in gzip bytes: their size after the
 * second size pass of 2026-12-06 (branch `size2`: `connect()` 11,298, its SSE carrier loaded through
 * `Endpoint.load`; the Socket.IO endpoint 13,310), which took back what could go without dropping a
 * behaviour issues 12 and 14 asked for (BENCHMARKS.md says what is left, and what each remaining
 * option would save). `bench/test/bundle-budget.test.ts` fails past it: a change that adds bytes
 * lowers something else or raises this with its reason; a change that saves bytes lowers it, down to
 * the budget. Raised since, each by exactly what its change measured:
 * - `connect()` +20: `close()` says `bye` (the server ends the session at once instead of keeping it,
 *   in its rooms, for the resume window), and an idle SSE upstream starts a POST at once so that the
 *   goodbye leaves before the transport closes.
 * - `connect()` +49, the Socket.IO endpoint +44 (branch `firefox`): a round no longer waits on an
 *   attempt that hangs past the fallback delay (Firefox holds back a WebSocket to a server that
 *   refused it, RFC 6455 section 7.2.3, and the round waited up to `connectTimeoutMs` with SSE refused
 *   at its start); it keeps trying beside the next rounds, which start the other endpoints on the
 *   backoff schedule, unstaggered after such a hang (core/connection.ts). No saving of that size was
 *   found without dropping a behaviour.
 */
export const GZIP_CEILING: Readonly<Record<keyof typeof GZIP_BUDGET, number>> = { 'ours-connect': 11_298 + 20 + 49, 'ours-socketio': 13_310 + 44 };

export interface SizeRow {
  id: string;
  /** What loads up front (the entry chunk and its static imports), summed over chunks. */
  min: number;
  gzip: number;
  brotli: number;
  /** Chunks behind `import()`, gzip, summed (0 when there are none). */
  lazyGzip: number;
}

const gzip = (bytes: Uint8Array) => gzipSync(bytes, { level: 9 }).byteLength;
const brotli = (bytes: Uint8Array) => brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).byteLength;
const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

export async function measureSize(code: string): Promise<Omit<SizeRow, 'id'>> {
  const { initial, lazy } = await bundleSnippet(code);
  return {
    min: sum(initial.map((chunk) => chunk.byteLength)),
    gzip: sum(initial.map(gzip)),
    brotli: sum(initial.map(brotli)),
    lazyGzip: sum(lazy.map(gzip)),
  };
}

export async function runBundleSize(context: GroupContext): Promise<Omit<GroupResult, 'ranAt' | 'durationMs' | 'quick'>> {
  const log = new ErrorLog();
  const sizes = new Map<string, SizeRow>();
  const cells = new Map<string, string>();
  for (const scenario of [...ANCHORS, ...OURS]) {
    try {
      sizes.set(scenario.id, { id: scenario.id, ...(await measureSize(scenario.code)) });
    } catch (error) {
      cells.set(scenario.id, log.note(`bundle ${scenario.id}`, error));
    }
    context.progress(`bundle ${scenario.id}`);
  }
  // About a second each (one unminified build, then one gzip per file): cheap enough for --quick.
  const costs = new Map<string, { total: number; files: FileCost[] }>();
  for (const scenario of OURS.filter((candidate) => COST_SCENARIOS.includes(candidate.id))) {
    try {
      costs.set(scenario.id, await gzipCostByFile(scenario.code));
    } catch (error) {
      log.note(`bundle gzip cost by file ${scenario.id}`, error);
    }
    context.progress(`bundle gzip cost by file ${scenario.id}`);
  }
  const reference = sizes.get('socket.io-client')?.gzip ?? NaN;
  const row = (scenario: Scenario) => {
    const size = sizes.get(scenario.id);
    const version = scenario.pkg && !scenario.id.startsWith('ours-') ? context.versions[scenario.pkg] : undefined;
    const name = version ? `${scenario.label} (${version})` : scenario.label;
    if (!size) {
      const cell = cells.get(scenario.id) ?? 'error';
      return [name, cell, cell, cell, cell, cell];
    }
    return [name, kb(size.min), kb(size.gzip), kb(size.brotli), ratio(size.gzip / reference), size.lazyGzip ? `+ ${kb(size.lazyGzip)}` : ''];
  };
  const targets: TargetCheck[] = [
    sizeTarget('default `connect()` bundle ≤ 0.5x socket.io-client (gzip)', sizes.get('ours-connect'), cells.get('ours-connect'), reference, 0.5),
    sizeTarget('Socket.IO endpoint bundle ≤ 0.75x socket.io-client (gzip)', sizes.get('ours-socketio'), cells.get('ours-socketio'), reference, 0.75),
    budgetTarget('default `connect()` bundle no larger than before issues 12 and 14', 'ours-connect', sizes, cells),
    budgetTarget('Socket.IO endpoint bundle no larger than before issues 12 and 14', 'ours-socketio', sizes, cells),
  ];
  const connect = sizes.get('ours-connect');
  return {
    group: 'bundle',
    title: 'Bundle size',
    tables: [
      {
        title: 'Minimal real usage, built as an app (Vite 8 production build: rolldown, minified, code splitting), gzip level 9, brotli quality 11; 1 KB = 1,000 bytes',
        columns: ['scenario', 'minified', 'gzip', 'brotli', 'gzip vs socket.io-client', 'loaded on demand (gzip)'],
        rows: [...OURS.map(row), ...ANCHORS.map(row)],
        note: 'Each scenario is a one-line entry module that creates a connection, listens to one event and sends one (the code is in `bench/src/groups/bundle-size.ts`). Ours is bundled from the TypeScript source of `@unisocket/client` (it has no runtime dependencies). The sizes are what loads up front (the entry chunk and its static imports); code behind `import()`, if any, is the last column.',
      },
      ...OURS.flatMap((scenario) => {
        const cost = costs.get(scenario.id);
        return cost ? [costTable(scenario, cost, sizes.get(scenario.id))] : [];
      }),
    ],
    targets,
    headlines: connect ? [`default \`connect()\` bundle: ${kb(connect.gzip)} gzip, ${ratio(connect.gzip / reference)} socket.io-client's`] : [],
    errors: log.errors,
    data: { sizes: Object.fromEntries(sizes), unavailable: Object.fromEntries(cells), gzipCostByFile: Object.fromEntries(costs) },
  };
}

/** Our scenarios whose up-front code is broken down by source file: the default and the Socket.IO endpoint. */
const COST_SCENARIOS: readonly string[] = ['ours-connect', 'ours-socketio'];
const COST_ROWS = 15;

/** What each source file costs `scenario` in gzip bytes: the largest `COST_ROWS`, the rest summed. */
function costTable(scenario: Scenario, cost: { total: number; files: FileCost[] }, size: SizeRow | undefined): Table {
  const share = (bytes: number) => `${((bytes / cost.total) * 100).toFixed(1)} %`;
  const name = (file: string) => (file === 'size-entry.ts' ? "the scenario's one-line entry module" : `\`${file}\``);
  const top = cost.files.slice(0, COST_ROWS);
  const rest = cost.files.slice(COST_ROWS);
  const sumOf = (files: FileCost[], key: 'gzipCost' | 'minified') => files.reduce((sum, file) => sum + file[key], 0);
  return {
    title: `What each source file costs ${scenario.label} up front, in gzip bytes (approximate)`,
    columns: ['file', 'minified alone (bytes)', 'gzip cost (bytes)', 'share of the gzip total'],
    rows: [
      ...top.map((file) => [name(file.file), int(file.minified), int(file.gzipCost), share(file.gzipCost)]),
      ...(rest.length ? [[`${rest.length} more files`, int(sumOf(rest, 'minified')), int(sumOf(rest, 'gzipCost')), share(sumOf(rest, 'gzipCost'))]] : []),
    ],
    note: `Approximate: every module that loads up front is minified on its own (esbuild) and the modules are concatenated in bundle order (gzip of the whole: ${int(cost.total)} bytes${size ? `, against ${int(size.gzip)} for the real build above, which minifies across modules` : ''}). A file's cost is how much that gzip shrinks when the file is left out, i.e. about what removing it would save. The costs add up to ${int(sumOf(cost.files, 'gzipCost'))} bytes of the ${int(cost.total)}: what several files repeat is paid once, and counted for none of them. \`pnpm --filter @unisocket/bench size ${scenario.id}\` lists every file.`,
  };
}

function sizeTarget(target: string, size: SizeRow | undefined, cell: string | undefined, reference: number, limit: number): TargetCheck {
  if (!size) return { target, measured: cell ?? 'error', verdict: 'n/a' };
  const share = size.gzip / reference;
  return { target, measured: `${kb(size.gzip)} = ${ratio(share)}`, verdict: share <= limit ? 'met' : 'missed' };
}

function budgetTarget(target: string, id: keyof typeof GZIP_BUDGET, sizes: Map<string, SizeRow>, cells: Map<string, string>): TargetCheck {
  const size = sizes.get(id);
  const budget = GZIP_BUDGET[id];
  const label = `${target} (≤ ${int(budget)} B gzip up front)`;
  if (!size) return { target: label, measured: cells.get(id) ?? 'error', verdict: 'n/a' };
  const lazy = size.lazyGzip ? ` (+ ${int(size.lazyGzip)} B on demand)` : '';
  return { target: label, measured: `${int(size.gzip)} B${lazy}`, verdict: size.gzip <= budget ? 'met' : 'missed' };
}
