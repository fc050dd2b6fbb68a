// Group `resilience`: what outages and load cost. A herd of 1,000 clients through a 2 s outage (how
// often each knocks, how their arrivals spread), next to socket.io-client; rounds per minute deep
// into an outage (compressed time); the cost of an ack while many await theirs; pipelined acked
// envelope events in Node next to a bare `ws` WebSocket.
import { int, ms, rate, ratio, us } from '../format.js';
import { startHarnessProcess } from '../harness-process.js';
import { ackCost } from '../net/ack-cost.js';
import { oursHerd, socketIoHerd, type HerdTrial } from '../net/herd.js';
import { oursPerMinute, socketIoPerMinute, type PerMinute } from '../net/long-outage.js';
import { barePipelined, loadClientBuild, oursPipelined, type PipelinedRun } from '../net/pipelined.js';
import { ErrorLog, type GroupResult, type Table, type TargetCheck } from '../results.js';
import { median, pairedRatio, spread } from '../stats.js';
import { pick, type GroupContext } from './context.js';

const OUTAGE_MS = 2000;
type HerdLibrary = 'unisocket' | 'socket.io-client';
const LIBRARIES: readonly { kind: HerdLibrary; label: string }[] = [
  { kind: 'unisocket', label: 'unisocket `connect()` (WebSocket, SSE fallback)' },
  { kind: 'socket.io-client', label: 'socket.io-client `io()`' },
];
/** Minute windows of the compressed long outage: the second minute, and the sixth (after 5 minutes down). */
const MINUTES = [60_000, 300_000] as const;

interface Sizes {
  herdClients: number;
  longClients: number;
  awaiting: number[];
  ackSteps: number;
  ackRounds: number;
  pipelined: number;
  pipelinedRounds: number;
}

const mean = (values: readonly number[]) => values.reduce((sum, v) => sum + v, 0) / (values.length || NaN);

export async function runResilience(context: GroupContext): Promise<Omit<GroupResult, 'ranAt' | 'durationMs' | 'quick'>> {
  const sizes: Sizes = pick(
    context,
    { herdClients: 1000, longClients: 200, awaiting: [1000, 16_000, 64_000], ackSteps: 20_000, ackRounds: 9, pipelined: 5000, pipelinedRounds: 11 },
    { herdClients: 200, longClients: 10, awaiting: [1000, 4000], ackSteps: 2000, ackRounds: 2, pipelined: 500, pipelinedRounds: 2 },
  );
  const log = new ErrorLog();
  const herd: Record<HerdLibrary, HerdTrial[]> = { unisocket: [], 'socket.io-client': [] };
  const long: Partial<Record<HerdLibrary, PerMinute>> = {};
  const acks: Record<number, number[]> = {};
  const pipelined = { ours: [] as PipelinedRun[], bare: [] as PipelinedRun[] };

  try {
    herd.unisocket.push(oursHerd(sizes.herdClients, OUTAGE_MS));
    herd['socket.io-client'].push(await socketIoHerd(sizes.herdClients, OUTAGE_MS));
  } catch (error) {
    log.note('herd', error);
  }
  context.progress('resilience herd');

  try {
    long.unisocket = await oursPerMinute(MINUTES, sizes.longClients);
    long['socket.io-client'] = await socketIoPerMinute(MINUTES, sizes.longClients);
  } catch (error) {
    log.note('long outage', error);
  }
  context.progress('resilience long outage');

  for (let round = 0; round < sizes.ackRounds; round++) {
    for (const awaiting of round % 2 ? [...sizes.awaiting].reverse() : sizes.awaiting) {
      try {
        (acks[awaiting] ??= []).push(await ackCost(awaiting, sizes.ackSteps));
      } catch (error) {
        log.note(`ack cost with ${awaiting} awaiting`, error);
      }
    }
  }
  context.progress('resilience ack cost');

  const harness = await startHarnessProcess();
  try {
    const client = await loadClientBuild();
    const ours = (url: string, n: number) => oursPipelined(client, url, n);
    for (let round = 0; round < sizes.pipelinedRounds; round++) {
      try {
        // Alternating order, both sides back to back in the round.
        const [first, second] = round % 2 ? [barePipelined, ours] : [ours, barePipelined];
        const a = await first(harness.url, sizes.pipelined);
        const b = await second(harness.url, sizes.pipelined);
        pipelined.ours.push(round % 2 ? b : a);
        pipelined.bare.push(round % 2 ? a : b);
      } catch (error) {
        log.note(`pipelined round ${round + 1}`, error);
      }
    }
  } finally {
    await harness.close();
  }
  context.progress('resilience pipelined');
  return report({ sizes, herd, long, acks, pipelined, log });
}

interface Collected {
  sizes: Sizes;
  herd: Record<HerdLibrary, HerdTrial[]>;
  long: Partial<Record<HerdLibrary, PerMinute>>;
  acks: Record<number, number[]>;
  pipelined: { ours: PipelinedRun[]; bare: PipelinedRun[] };
  log: ErrorLog;
}

function report({ sizes, herd, long, acks, pipelined, log }: Collected): Omit<GroupResult, 'ranAt' | 'durationMs' | 'quick'> {
  const herdRow = (kind: HerdLibrary) => {
    const trials = herd[kind];
    const rounds = trials.flatMap((t) => t.rounds);
    const connections = trials.flatMap((t) => t.connections);
    const arrivals = spread(trials.flatMap((t) => t.arrivals));
    return { rounds, connections, arrivals };
  };
  const rows = Object.fromEntries(LIBRARIES.map(({ kind }) => [kind, herdRow(kind)])) as Record<HerdLibrary, ReturnType<typeof herdRow>>;
  const meanMax = (values: number[]) => (values.length ? `${mean(values).toFixed(1)} (max ${Math.max(...values)})` : '–');
  const awaitingBase = sizes.awaiting[0]!;
  const ackMedians = Object.fromEntries(sizes.awaiting.map((n) => [n, median(acks[n] ?? [])]));
  const ackSpread = Math.max(...Object.values(ackMedians)) / Math.min(...Object.values(ackMedians));
  const pipelinedRatio = pairedRatio(
    pipelined.bare.map((run) => run.ms),
    pipelined.ours.map((run) => run.ms),
  );
  const oursRate = (sizes.pipelined / median(pipelined.ours.map((run) => run.ms))) * 1000;
  const bareRate = (sizes.pipelined / median(pipelined.bare.map((run) => run.ms))) * 1000;
  const cpuPerEvent = (runs: PipelinedRun[]) => median(runs.map((run) => run.cpuUs)) / sizes.pipelined;
  // Per round (both sides back to back): how far the ratios spread on this shared machine.
  const perRound = (value: (ours: PipelinedRun, bare: PipelinedRun) => number) => spread(pipelined.ours.map((ours, i) => value(ours, pipelined.bare[i]!)));
  const rateRatios = perRound((ours, bare) => bare.ms / ours.ms);
  const cpuRatios = perRound((ours, bare) => ours.cpuUs / bare.cpuUs);
  const range = ({ p10, p90 }: { p10: number; p90: number }) => `${ratio(p10)} – ${ratio(p90)}`;
  const tables: Table[] = [
    {
      title: `A herd through a ${OUTAGE_MS / 1000} s outage: ${int(sizes.herdClients)} clients, library defaults (compressed time)`,
      columns: ['library', 'reconnect rounds per client while down: mean (max)', 'connections tried per client while down: mean (max)', 'wait once the server is back: median', 'p10 – p90', 'last'],
      rows: LIBRARIES.map(({ kind, label }) => {
        const r = rows[kind];
        return [label, meanMax(r.rounds), meanMax(r.connections), ms(r.arrivals.median), `${ms(r.arrivals.p10)} – ${ms(r.arrivals.p90)}`, ms(r.arrivals.max)];
      }),
      note: `Every client loses its connection at the same moment (a deploy), the server refuses connections for ${OUTAGE_MS / 1000} s, then takes them all at once. Ours: the client's own connection code (\`connect()\`'s WebSocket and SSE endpoints, its defaults, its own jitter per client) on one shared fake clock; a round tries the WebSocket, then SSE, so two connections per refused round. socket.io-client: its own \`Backoff\` class (\`build/esm/contrib/backo2.js\`) as its Manager drives it (delay 1 s, doubling to 5 s, randomization 0.5; one connection per attempt). "Wait": from the server being back to each client's next attempt, which connects; what it costs to connect comes on top (the \`recovery\` group measures one real client: ${'`'}lifecycle${'`'} ${'`'}open${'`'} after a real 2 s restart). 1,000 real clients in one process on this 2-core machine would measure the bench process's CPU (5,000 refused connections a second), not the policy.`,
    },
    {
      title: `Rounds per minute deep into an outage (compressed time, ${sizes.longClients} simulated clients)`,
      columns: ['library', 'minute 2 (1 to 2 min down)', 'minute 6 (5 to 6 min down)'],
      rows: LIBRARIES.map(({ kind, label }) => [label, long[kind] ? (long[kind]!.rounds[MINUTES[0]] ?? NaN).toFixed(1) : '–', long[kind] ? (long[kind]!.rounds[MINUTES[1]] ?? NaN).toFixed(1) : '–']),
      note: 'Ours: the client\'s own connection code with its defaults on a fake clock, every attempt refused at once (after 2 minutes it is `suspended` and retries within 15-30 s). socket.io-client: its own `Backoff` class (`build/esm/contrib/backo2.js`) with the Manager\'s defaults (1 s doubling to 5 s, randomization 0.5): at the cap every client waits exactly 5 s, jitter no longer spreads them.',
    },
    {
      title: `The cost of an ack while many await theirs (${int(sizes.ackSteps)} steps per measurement, median of ${sizes.ackRounds} rounds)`,
      columns: ['acks awaited', 'CPU µs per ack (received, settled, and a new request sent)', `vs ${int(awaitingBase)}`],
      rows: sizes.awaiting.map((n) => [int(n), us(ackMedians[n] ?? NaN), ratio((ackMedians[n] ?? NaN) / (ackMedians[awaitingBase] ?? NaN))]),
      note: 'Our client over a fake transport (`@unisocket/client/testing`: no network, no server), the envelope protocol: that many `emitWithAck` requests are kept outstanding; each step receives the ack of the oldest (acks arrive in order, as from an envelope server: each confirms the head of the outbox) and issues a new request. Timed as the CPU time of the bench process (`process.cpuUsage()`), which other processes on this shared machine do not inflate as they inflate wall time. Before this change the outbox shifted its list on every confirmation and scanned it on every settle: 1.6 µs per ack with 4k awaiting, 18.7 µs at 16k, 33.7 µs at 64k.',
    },
    {
      title: `Pipelined acked envelope events in Node (${int(sizes.pipelined)} per side and round, median of ${sizes.pipelinedRounds} rounds)`,
      columns: ['A', 'A rate', 'A client CPU per event', 'B (reference)', 'B rate', 'B client CPU per event', 'A/B rate', 'p10 – p90', 'A/B client CPU', 'p10 – p90'],
      rows: [
        [
          'unisocket `createClient` + `websocket()` (Node, `ws`)',
          rate(oursRate),
          us(cpuPerEvent(pipelined.ours)),
          'bare `ws` WebSocket speaking the envelope by hand',
          rate(bareRate),
          us(cpuPerEvent(pipelined.bare)),
          ratio(pipelinedRatio),
          range(rateRatios),
          ratio(cpuRatios.median),
          range(cpuRatios),
        ],
      ],
      note: `Both sides against the same harness process, back to back in each round (order alternating): \`emitWithAck("echo")\` issued without waiting, rate = events / time to the last ack; client CPU: the CPU time of the bench process over the same span (\`process.cpuUsage()\`), which the load of other processes does not inflate. The bare side is, in Node, what the Chromium page's \`bare-ws\` peer is: per request an \`{"t":"event","cid":n,…,"ack":true}\` frame and a Promise its \`ack\` frame resolves, nothing else. Our client runs as an app would run it: bundled by esbuild from its source into one ES module, not under the bench's own \`tsx\` transform (which keeps a name on every closure created, per message).`,
    },
  ];
  const ours = rows.unisocket;
  const targets: TargetCheck[] = [
    {
      target: `a ${OUTAGE_MS / 1000} s outage costs ≤ 6 reconnect rounds per client (${int(sizes.herdClients)} clients, compressed time)`,
      measured: ours.rounds.length ? `${mean(ours.rounds).toFixed(1)} per client (max ${Math.max(...ours.rounds)}); socket.io-client ${rows['socket.io-client'].rounds.length ? mean(rows['socket.io-client'].rounds).toFixed(1) : '–'}` : 'no data',
      verdict: ours.rounds.length ? (mean(ours.rounds) <= 6 ? 'met' : 'missed') : 'n/a',
    },
    {
      target: 'retries slow down in a long outage: ≤ 3 rounds a minute after 5 minutes down',
      measured: long.unisocket ? `${(long.unisocket.rounds[MINUTES[1]] ?? NaN).toFixed(1)} a minute (${(long.unisocket.rounds[MINUTES[0]] ?? NaN).toFixed(1)} in minute 2; socket.io-client ${(long['socket.io-client']?.rounds[MINUTES[1]] ?? NaN).toFixed(1)})` : 'no data',
      verdict: long.unisocket ? ((long.unisocket.rounds[MINUTES[1]] ?? Infinity) <= 3 ? 'met' : 'missed') : 'n/a',
    },
    {
      target: `ack cost flat from ${int(sizes.awaiting[0]!)} to ${int(sizes.awaiting.at(-1)!)} awaiting (within 1.2x)`,
      measured: Number.isFinite(ackSpread) ? `${sizes.awaiting.map((n) => us(ackMedians[n] ?? NaN)).join(', ')} (${ratio(ackSpread)})` : 'no data',
      verdict: Number.isFinite(ackSpread) ? (ackSpread <= 1.2 ? 'met' : 'missed') : 'n/a',
    },
    {
      target: 'pipelined acked envelope throughput ≥ 0.9x a bare WebSocket (Node)',
      measured: Number.isFinite(pipelinedRatio) ? `${rate(oursRate)} vs ${rate(bareRate)} = ${ratio(pipelinedRatio)} (client CPU per event ${us(cpuPerEvent(pipelined.ours))} vs ${us(cpuPerEvent(pipelined.bare))})` : 'no data',
      verdict: Number.isFinite(pipelinedRatio) ? (pipelinedRatio >= 0.9 ? 'met' : 'missed') : 'n/a',
    },
  ];
  const headlines: string[] = [];
  if (ours.rounds.length) {
    headlines.push(
      `a ${OUTAGE_MS / 1000} s outage, ${int(sizes.herdClients)} clients: ${mean(ours.rounds).toFixed(1)} reconnect rounds per client, arrivals within ${ms(ours.arrivals.max)} of the server's return, median wait ${ms(ours.arrivals.median)} (socket.io-client: ${mean(rows['socket.io-client'].rounds).toFixed(1)} attempts, median ${ms(rows['socket.io-client'].arrivals.median)}, spread over ${ms(rows['socket.io-client'].arrivals.max)})`,
    );
  }
  if (Number.isFinite(ackSpread)) headlines.push(`an ack costs ${us(ackMedians[awaitingBase] ?? NaN)} with ${int(awaitingBase)} awaiting and ${us(ackMedians[sizes.awaiting.at(-1)!] ?? NaN)} with ${int(sizes.awaiting.at(-1)!)}`);
  return { group: 'resilience', title: 'Outages and load', tables, targets, headlines, errors: log.errors, data: { sizes, herd, long, acks, pipelined } };
}
