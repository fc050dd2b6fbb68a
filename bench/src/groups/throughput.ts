// Group `throughput`: round trips and message rates in Chromium against the harness on loopback.
// Every comparison is a pair measured back to back in the same round (order alternating between
// rounds); each ratio is taken within its round, and the report shows medians over rounds.
import type { BenchPageHandle } from '../browser.js';
import { int, ms, rate, ratio, us } from '../format.js';
import { startHarnessProcess } from '../harness-process.js';
import { EnvelopeDriver } from '../net/envelope-driver.js';
import { CHAT_TEXT } from '../page/payload.js';
import type { RttResult } from '../page/types.js';
import { asUnavailable, ErrorLog, unavailableCell, type GroupResult, type Table, type TargetCheck } from '../results.js';
import { median, pairedRatio, quantile } from '../stats.js';
import { pick, type GroupContext } from './context.js';

type Kind = 'rtt' | 'emitEcho' | 'cost' | 'pipelined' | 'upstream' | 'push';

interface Comparison {
  id: string;
  kind: Kind;
  title: string;
  /** Ours (or the carrier under test): the numerator of every ratio. */
  a: { peer: string; label: string };
  /** The reference: the denominator. */
  b: { peer: string; label: string };
  /** Measured in the same rounds for context, no ratio. */
  extras?: { peer: string; label: string }[];
}

const COMPARISONS: readonly Comparison[] = [
  { id: 'envelope-rtt', kind: 'rtt', title: 'Envelope over WebSocket: sequential acked round trip', a: { peer: 'ours-default', label: 'unisocket `connect()`' }, b: { peer: 'bare-ws', label: 'bare `WebSocket`' } },
  { id: 'envelope-pipelined', kind: 'pipelined', title: 'Envelope over WebSocket: pipelined acked events', a: { peer: 'ours-default', label: 'unisocket `connect()`' }, b: { peer: 'bare-ws', label: 'bare `WebSocket`' } },
  { id: 'socketio-ack', kind: 'rtt', title: 'Socket.IO: sequential `emitWithAck` round trip', a: { peer: 'ours-socket.io', label: 'unisocket Socket.IO' }, b: { peer: 'socket.io-client', label: 'socket.io-client' } },
  {
    id: 'socketio-ack-cost',
    kind: 'cost',
    title: 'Socket.IO: the client\'s own cost of one `emitWithAck` round trip (in-page loopback server)',
    a: { peer: 'ours-socket.io-loopback', label: 'unisocket Socket.IO' },
    b: { peer: 'socket.io-client-loopback', label: 'socket.io-client' },
  },
  { id: 'socketio-echo', kind: 'emitEcho', title: 'Socket.IO: sequential emit → `echo` event round trip', a: { peer: 'ours-socket.io', label: 'unisocket Socket.IO' }, b: { peer: 'socket.io-client', label: 'socket.io-client' } },
  { id: 'socketio-pipelined', kind: 'pipelined', title: 'Socket.IO: pipelined acked events', a: { peer: 'ours-socket.io', label: 'unisocket Socket.IO' }, b: { peer: 'socket.io-client', label: 'socket.io-client' } },
  {
    id: 'push',
    kind: 'push',
    title: 'Server push: `chat` events received',
    a: { peer: 'ours-sse', label: 'unisocket over SSE' },
    b: { peer: 'ours-ws', label: 'unisocket over WebSocket' },
    extras: [
      { peer: 'bare-ws', label: 'bare `WebSocket`' },
      { peer: 'bare-sse', label: 'bare `EventSource`' },
    ],
  },
  { id: 'upstream', kind: 'upstream', title: 'Upstream: events sent (no acks) until the server processed them', a: { peer: 'ours-sse', label: 'unisocket over SSE + POST' }, b: { peer: 'ours-ws', label: 'unisocket over WebSocket' } },
];

export interface Sizes {
  rounds: number;
  rtt: number;
  warmup: number;
  /** Client cost: blocks per side and round, round trips per block. */
  costBlocks: number;
  costPerBlock: number;
  pipelined: number;
  upstream: number;
  push: number;
}

/** One side of one round: latency percentiles or a rate, and the transport that carried it. */
export interface Sample {
  p50?: number;
  p99?: number;
  rate?: number;
  /** µs per round trip: the median over the round's blocks. */
  cost?: number;
  transport: string;
}

const RECEIVE_TIMEOUT_MS = 60_000;

const latencyOf = (result: RttResult): Sample => ({ p50: quantile(result.samples, 0.5), p99: quantile(result.samples, 0.99), transport: result.transport });

/** Round trips of the given peers, interleaved in one page call (one or two peers). */
async function roundTrips(handle: BenchPageHandle, harnessUrl: string, kind: 'rtt' | 'emitEcho', peers: string[], sizes: Sizes): Promise<Sample[]> {
  const mode = kind === 'rtt' ? 'ack' : 'echo';
  const results = await handle.page.evaluate(([m, list, url, n, w]) => window.bench.roundTrips(m, list, url, n, w), [mode, peers, harnessUrl, sizes.rtt, sizes.warmup] as const);
  return results.map(latencyOf);
}

/** The client-cost pair of one round: µs per round trip, the median of each side's blocks. */
async function clientCosts(handle: BenchPageHandle, peers: string[], sizes: Sizes): Promise<Sample[]> {
  const times = await handle.page.evaluate(([list, blocks, perBlock, warmup]) => window.bench.blockTimes(list, '', blocks, perBlock, warmup), [peers, sizes.costBlocks, sizes.costPerBlock, sizes.costPerBlock] as const);
  return times.map((blocks) => ({ cost: median(blocks), transport: 'loopback' }));
}

/** One side of a rate comparison. */
async function measureRate(handle: BenchPageHandle, harnessUrl: string, kind: Exclude<Kind, 'rtt' | 'emitEcho'>, peer: string, sizes: Sizes, round: number): Promise<Sample> {
  const { page } = handle;
  if (kind === 'pipelined' || kind === 'upstream') {
    const n = kind === 'pipelined' ? sizes.pipelined : sizes.upstream;
    const result = await page.evaluate(([k, p, url, count]) => (k === 'pipelined' ? window.bench.pipelined(p, url, count) : window.bench.upstream(p, url, count)), [kind, peer, harnessUrl, n] as const);
    return { rate: (n / result.ms) * 1000, transport: result.transport };
  }
  const room = `push-${round}-${peer}`;
  const driver = await EnvelopeDriver.open(harnessUrl);
  try {
    await driver.join(room);
    const { transport } = await page.evaluate(([p, url, r, n]) => window.bench.receiveStart(p, url, r, n), [peer, harnessUrl, room, sizes.push] as const);
    // From the first send to the last receipt (one wall clock): a carrier that delivers in bursts
    // must not look faster because its first event came late.
    const sentAt = Date.now();
    driver.sendChats(sizes.push, CHAT_TEXT);
    const result = await page.evaluate((timeout) => window.bench.receiveDone(timeout), RECEIVE_TIMEOUT_MS);
    return { rate: (result.count / Math.max(1, result.lastAt - sentAt)) * 1000, transport };
  } finally {
    driver.close();
    await page.evaluate(() => window.bench.receiveClose());
  }
}

export async function runThroughput(context: GroupContext): Promise<Omit<GroupResult, 'ranAt' | 'durationMs' | 'quick'>> {
  const sizes: Sizes = pick(
    context,
    { rounds: 7, rtt: 1000, warmup: 100, costBlocks: 10, costPerBlock: 2000, pipelined: 5000, upstream: 10_000, push: 5000 },
    { rounds: 2, rtt: 100, warmup: 20, costBlocks: 2, costPerBlock: 200, pipelined: 500, upstream: 1000, push: 500 },
  );
  const log = new ErrorLog();
  const browser = await context.browser();
  const harness = await startHarnessProcess();
  const handle = await browser.newPage();
  const clockStepMs = await handle.page.evaluate(() => window.bench.clockStep());
  /** Per comparison and side: the samples of every round (undefined: that round failed), or why there are none. */
  const results = new Map<string, { samples: (Sample | undefined)[]; unavailable?: string }>();
  const side = (id: string, peer: string) => {
    const key = `${id}:${peer}`;
    let entry = results.get(key);
    if (!entry) results.set(key, (entry = { samples: [] }));
    return entry;
  };
  try {
    for (let round = 0; round < sizes.rounds; round++) {
      for (const comparison of COMPARISONS) {
        const { id, kind } = comparison;
        const fail = async (peer: string, error: unknown) => {
          const unavailable = asUnavailable(error);
          if (unavailable.code !== 'error') side(id, peer).unavailable = unavailableCell(unavailable);
          log.note(`throughput ${id} ${peer} round ${round + 1}`, unavailable);
          // A failure may leave a half-open connection behind: start the next measurement clean.
          await handle.reload();
        };
        if (kind === 'rtt' || kind === 'emitEcho' || kind === 'cost') {
          // Ours and the reference interleaved step by step; the reference alone while ours is unavailable.
          const { a, b } = comparison;
          const pair = side(id, a.peer).unavailable ? [b.peer] : [a.peer, b.peer];
          const measure = (peers: string[]) => (kind === 'cost' ? clientCosts(handle, peers, sizes) : roundTrips(handle, harness.url, kind, peers, sizes));
          try {
            const samples = await measure(pair);
            pair.forEach((peer, index) => (side(id, peer).samples[round] = samples[index]));
          } catch (error) {
            await fail(pair.length === 2 ? a.peer : b.peer, error);
            if (pair.length === 2 && side(id, a.peer).unavailable) {
              try {
                side(id, b.peer).samples[round] = (await measure([b.peer]))[0];
              } catch (second) {
                await fail(b.peer, second);
              }
            }
          }
        } else {
          const sides = [comparison.a, comparison.b, ...(comparison.extras ?? [])];
          if (round % 2 === 1) sides.reverse();
          for (const { peer } of sides) {
            const entry = side(id, peer);
            if (entry.unavailable) continue;
            try {
              entry.samples[round] = await measureRate(handle, harness.url, kind, peer, sizes, round);
            } catch (error) {
              await fail(peer, error);
            }
          }
        }
        context.progress(`throughput round ${round + 1}/${sizes.rounds} ${id}`);
      }
    }
  } finally {
    await handle.close();
    await harness.close();
  }
  return report(results, sizes, clockStepMs, log);
}

type Metric = 'p50' | 'p99' | 'rate' | 'cost';

/** The tables and target checks of measured results (exported for its tests: the verdicts are code too). */
export function report(results: Map<string, { samples: (Sample | undefined)[]; unavailable?: string }>, sizes: Sizes, clockStepMs: number, log: ErrorLog): Omit<GroupResult, 'ranAt' | 'durationMs' | 'quick'> {
  const get = (id: string, peer: string) => results.get(`${id}:${peer}`) ?? { samples: [] };
  const values = (id: string, peer: string, metric: Metric) => get(id, peer).samples.map((sample) => sample?.[metric] ?? NaN);
  const med = (id: string, peer: string, metric: Metric) => median(values(id, peer, metric).filter(Number.isFinite));
  const cell = (id: string, peer: string, format: (value: number) => string, metric: Metric) => get(id, peer).unavailable ?? format(med(id, peer, metric));
  const transports = (id: string, peer: string) => [...new Set(get(id, peer).samples.flatMap((sample) => (sample ? [sample.transport] : [])))].join(', ') || '–';
  const ratioOf = (c: Comparison, metric: Metric) => pairedRatio(values(c.id, c.a.peer, metric), values(c.id, c.b.peer, metric));
  const ratioCell = (c: Comparison, metric: Metric) => get(c.id, c.a.peer).unavailable ?? get(c.id, c.b.peer).unavailable ?? ratio(ratioOf(c, metric));

  const latency = COMPARISONS.filter((c) => c.kind === 'rtt' || c.kind === 'emitEcho');
  const costs = COMPARISONS.filter((c) => c.kind === 'cost');
  const rates = COMPARISONS.filter((c) => c.kind !== 'rtt' && c.kind !== 'emitEcho' && c.kind !== 'cost');
  const count = (c: Comparison) => (c.kind === 'pipelined' ? sizes.pipelined : c.kind === 'upstream' ? sizes.upstream : sizes.push);
  const tables: Table[] = [
    {
      title: `Round trips of ~100-byte JSON events (${int(sizes.rtt)} sequential per side and round after ${int(sizes.warmup)} warm-up, A and B interleaved one by one, median of ${sizes.rounds} rounds)`,
      columns: ['comparison', 'A', 'A p50', 'A p99', 'B (reference)', 'B p50', 'B p99', 'A/B p50', 'A/B p99'],
      rows: latency.map((c) => [
        c.title,
        `${c.a.label} (${transports(c.id, c.a.peer)})`,
        cell(c.id, c.a.peer, ms, 'p50'),
        cell(c.id, c.a.peer, ms, 'p99'),
        `${c.b.label} (${transports(c.id, c.b.peer)})`,
        cell(c.id, c.b.peer, ms, 'p50'),
        cell(c.id, c.b.peer, ms, 'p99'),
        ratioCell(c, 'p50'),
        ratioCell(c, 'p99'),
      ]),
      note: 'Lower is better; A/B below 1 means A is faster. Both sides talk to the same harness process: the envelope pair to `/rt` (the bare `WebSocket` speaks the envelope frames by hand), the Socket.IO pair to `/socket.io/`, both over WebSocket only (ours: `connectSocketIo(url, { transports: [\'websocket\'] })`; socket.io-client: `io(url, { transports: [\'websocket\'] })`), `echo` with an ack, and emit → the `echo` event the server sends back without one.',
    },
    {
      title: `The client's own cost per round trip, without network or server (${int(sizes.costBlocks)} blocks of ${int(sizes.costPerBlock)} sequential round trips per side and round after as many warm-up ones, A and B interleaved block by block, median of ${sizes.rounds} rounds)`,
      columns: ['comparison', 'A', 'A per round trip', 'B (reference)', 'B per round trip', 'A/B'],
      rows: costs.map((c) => [c.title, c.a.label, cell(c.id, c.a.peer, us, 'cost'), c.b.label, cell(c.id, c.b.peer, us, 'cost'), ratioCell(c, 'cost')]),
      note: `Lower is better. Both clients talk over WebSocket only to the same in-page Socket.IO server (\`bench/src/page/loopback.ts\`: Engine.IO v4, answers each frame from a microtask), so what is timed is each client's own work: encode, send, decode, match the ack, settle the Promise. socket.io-client gets the loopback through its transport-class option, ours through \`platform.WebSocket\`. A block is timed as a whole: this page's clock steps by ${us(clockStepMs * 1000)}, longer than one such round trip.`,
    },
    {
      title: `Message rates (median of ${sizes.rounds} rounds)`,
      columns: ['comparison', 'messages', 'A', 'A rate', 'B (reference)', 'B rate', 'A/B', 'also measured'],
      rows: rates.map((c) => [
        c.title,
        int(count(c)),
        `${c.a.label} (${transports(c.id, c.a.peer)})`,
        cell(c.id, c.a.peer, rate, 'rate'),
        `${c.b.label} (${transports(c.id, c.b.peer)})`,
        cell(c.id, c.b.peer, rate, 'rate'),
        ratioCell(c, 'rate'),
        (c.extras ?? []).map((extra) => `${extra.label}: ${cell(c.id, extra.peer, rate, 'rate')}`).join('; '),
      ]),
      note: 'Higher is better. Pipelined: `emitWithAck` issued without waiting for acks (ours pauses while 500 messages wait in its outbox, which refuses more than 1,000 by default), rate = events / time to the last ack. Push: a Node peer sends `chat` events into a room the page joined; rate = events / time from the first send to the last event received in the page (`Date.now()` on both sides). Upstream: `emit` without acks as fast as the outbox takes them (it batches frames into one POST per request on SSE), then one acked event; rate = events / time to that ack.',
    },
  ];
  const envelope = COMPARISONS.find((c) => c.id === 'envelope-rtt');
  const sioAck = COMPARISONS.find((c) => c.id === 'socketio-ack');
  const upstream = COMPARISONS.find((c) => c.id === 'upstream');
  const targets: TargetCheck[] = [];
  const headlines: string[] = [];
  if (envelope) {
    const value = ratioOf(envelope, 'p50');
    targets.push(ratioTarget('envelope round trip p50 ≤ 1.1x a bare `WebSocket`', get(envelope.id, envelope.a.peer).unavailable, value, (v) => v <= 1.1, `${ms(med(envelope.id, envelope.a.peer, 'p50'))} vs ${ms(med(envelope.id, envelope.b.peer, 'p50'))} = ${ratio(value)}`));
    if (Number.isFinite(value)) headlines.push(`envelope round trip p50 ${ratio(value)} a bare WebSocket's`);
  }
  const envelopePipelined = COMPARISONS.find((c) => c.id === 'envelope-pipelined');
  if (envelopePipelined) {
    const value = ratioOf(envelopePipelined, 'rate');
    const { id, a, b } = envelopePipelined;
    targets.push(ratioTarget('pipelined acked envelope throughput ≥ 0.9x a bare `WebSocket` (Chromium)', get(id, a.peer).unavailable, value, (v) => v >= 0.9, `${rate(med(id, a.peer, 'rate'))} vs ${rate(med(id, b.peer, 'rate'))} = ${ratio(value)}`));
  }
  const sioCost = COMPARISONS.find((c) => c.id === 'socketio-ack-cost');
  if (sioAck && sioCost) {
    // Judged on both measures: the round trip on the same server, which the network dominates and
    // whose p50 is only known to the clock's step, and the client's own cost, which is not.
    const rtt = ratioOf(sioAck, 'p50');
    const cost = ratioOf(sioCost, 'cost');
    const ours = med(sioAck.id, sioAck.a.peer, 'p50');
    const theirs = med(sioAck.id, sioAck.b.peer, 'p50');
    // Two p50s one clock step apart cannot be told apart: the step is the resolution of each sample.
    // Both the step and the timestamps carry float noise of about a nanosecond, hence the 0.1 % slack.
    const rttNoSlower = rtt <= 1 || ours - theirs <= clockStepMs * 1.001;
    targets.push(
      ratioTarget(
        "our Socket.IO endpoint no slower than socket.io-client (ack round trip on the same server; the client's own cost)",
        get(sioAck.id, sioAck.a.peer).unavailable ?? get(sioCost.id, sioCost.a.peer).unavailable,
        Number.isFinite(rtt) ? cost : NaN,
        (value) => value <= 1 && rttNoSlower,
        `round trip p50 ${ms(ours)} vs ${ms(theirs)} (${ratio(rtt)}; the clock steps ${us(clockStepMs * 1000)}); own cost ${us(med(sioCost.id, sioCost.a.peer, 'cost'))} vs ${us(med(sioCost.id, sioCost.b.peer, 'cost'))} (${ratio(cost)})`,
      ),
    );
  }
  if (upstream) {
    const value = ratioOf(upstream, 'rate');
    targets.push(ratioTarget('upstream over SSE + POST ≥ 0.5x the WebSocket rate', get(upstream.id, upstream.a.peer).unavailable, value, (v) => v >= 0.5, `${rate(med(upstream.id, upstream.a.peer, 'rate'))} vs ${rate(med(upstream.id, upstream.b.peer, 'rate'))} = ${ratio(value)}`));
    if (Number.isFinite(value)) headlines.push(`upstream over SSE + POST ${ratio(value)} the WebSocket rate`);
  }
  return {
    group: 'throughput',
    title: 'Throughput and latency in Chromium',
    tables,
    targets,
    headlines,
    errors: log.errors,
    data: { sizes, clockStepMs, results: Object.fromEntries(results) },
  };
}

function ratioTarget(target: string, unavailable: string | undefined, value: number, ok: (value: number) => boolean, measured: string): TargetCheck {
  if (unavailable) return { target, measured: unavailable, verdict: 'n/a' };
  if (!Number.isFinite(value)) return { target, measured: 'no data', verdict: 'n/a' };
  return { target, measured, verdict: ok(value) ? 'met' : 'missed' };
}
