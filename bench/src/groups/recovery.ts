// Group `recovery`: with library defaults, how fast each client is back after the server went
// away for 2 s, how fast it notices a silent (black-holed) connection, and (ours) how fast a
// refused or hung WebSocket upgrade ends up working over SSE. The libraries run side by side in
// one page, so every trial hits all of them with the same outage. Then (engines.ts) ours after a
// 20 s outage in Chromium and Firefox side by side.
import type { BenchBrowser, BenchPageHandle } from '../browser.js';
import { ms, range } from '../format.js';
import { startHarnessProcess } from '../harness-process.js';
import { control, waitForRestart } from '../net/http.js';
import type { FallbackTrial, WatchEvent } from '../page/types.js';
import { asUnavailable, ErrorLog, unavailableCell, type GroupResult, type Table, type TargetCheck } from '../results.js';
import { spread, type Spread } from '../stats.js';
import { pick, type GroupContext } from './context.js';
import { runEngineOutages, type EngineOutageResult, type EngineOutageSizes } from './engines.js';

const LIBRARIES = [
  { kind: 'unisocket', label: 'unisocket `connect()` (envelope: WebSocket, SSE fallback)' },
  { kind: 'socket.io-client', label: 'socket.io-client `io()` (polling, then WebSocket)' },
  { kind: 'reconnecting-websocket', label: 'reconnecting-websocket (raw gateway)' },
] as const;

/** Our client's default `fallbackDelayMs` (packages/client/src/core/options.ts). */
const FALLBACK_DELAY_MS = 1000;
const OUTAGE_MS = 2000;
/** The harness's envelope heartbeat (its default `heartbeatMs`). */
const HEARTBEAT_MS = 5000;
const OPEN_BOUND_MS = 20_000;
const RECONNECT_BOUND_MS = 30_000;
const FALLBACK_BOUND_MS = 15_000;

interface Sizes extends EngineOutageSizes {
  restartTrials: number;
  blackholeTrials: number;
  blackholeBoundMs: number;
  fallbackTrials: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function watched(handle: BenchPageHandle): Promise<Record<string, WatchEvent[]>> {
  return handle.page.evaluate(() => window.bench.watched());
}

/** Polls the page until `done` holds for every watcher, or `boundMs` passed; returns the last events. */
export async function waitFor(handle: BenchPageHandle, kinds: readonly string[], done: (events: WatchEvent[]) => boolean, boundMs: number, everyMs: number) {
  const deadline = Date.now() + boundMs;
  let events = await watched(handle);
  while (Date.now() < deadline && !kinds.every((kind) => done(events[kind] ?? []))) {
    await sleep(everyMs);
    events = await watched(handle);
  }
  return events;
}

/** Fresh page, then one watcher per available library; resolves once all are open. */
async function startWatchers(handle: BenchPageHandle, harnessUrl: string): Promise<string[]> {
  await handle.page.evaluate(() => localStorage.clear());
  await handle.reload();
  const available = await handle.page.evaluate(() => Object.keys(window.bench.watchers));
  const kinds = LIBRARIES.map((library) => library.kind).filter((kind) => available.includes(kind));
  await handle.page.evaluate(([list, url]) => window.bench.watch(list, url), [kinds, harnessUrl] as const);
  const events = await waitFor(handle, kinds, (list) => list.some((e) => e.type === 'open'), OPEN_BOUND_MS, 50);
  const stuck = kinds.filter((kind) => !events[kind]?.some((e) => e.type === 'open'));
  if (stuck.length) throw new Error(`never opened: ${stuck.join(', ')}`);
  // socket.io-client upgrades from polling to WebSocket right after connecting: let it finish.
  await sleep(1000);
  return kinds;
}

export const firstAfter = (events: WatchEvent[] | undefined, type: WatchEvent['type'], after: number) => events?.find((e) => e.type === type && e.at >= after);

/** One black-hole trial on a harness and page of its own: ms from the fault to each library noticing (undefined: not within `boundMs`). */
async function blackholeTrial(browser: BenchBrowser, boundMs: number): Promise<Record<string, number | undefined>> {
  const harness = await startHarnessProcess();
  try {
    const handle = await browser.newPage();
    try {
      const watcherKinds = await startWatchers(handle, harness.url);
      // A random moment within one envelope heartbeat, so trials cover every phase of it.
      await sleep(Math.random() * HEARTBEAT_MS);
      const faultAt = Date.now();
      await control(harness.url, 'blackhole');
      const events = await waitFor(handle, watcherKinds, (list) => !!firstAfter(list, 'lost', faultAt), boundMs, 100);
      const noticed: Record<string, number | undefined> = {};
      for (const kind of watcherKinds) {
        const lost = firstAfter(events[kind], 'lost', faultAt);
        noticed[kind] = lost ? lost.at - faultAt : undefined;
      }
      return noticed;
    } finally {
      await handle.page.evaluate(() => window.bench.unwatch()).catch(() => {});
      await handle.close();
    }
  } finally {
    await control(harness.url, 'reset').catch(() => {});
    await harness.close();
  }
}

export async function runRecovery(context: GroupContext): Promise<Omit<GroupResult, 'ranAt' | 'durationMs' | 'quick'>> {
  const sizes: Sizes = pick(
    context,
    { restartTrials: 7, blackholeTrials: 3, blackholeBoundMs: 50_000, fallbackTrials: 7, engineTrials: 7, engineOutageMs: 20_000 },
    { restartTrials: 2, blackholeTrials: 1, blackholeBoundMs: 12_000, fallbackTrials: 2, engineTrials: 1, engineOutageMs: 3000 },
  );
  const log = new ErrorLog();
  const browser = await context.browser();
  const harness = await startHarnessProcess();
  const handle = await browser.newPage();
  const reconnect: Record<string, number[]> = {};
  const detect: Record<string, number[]> = {};
  const undetected: Record<string, number> = {};
  const fallback: Record<'refuse' | 'hang', { trials: FallbackTrial[]; unavailable?: string }> = { refuse: { trials: [] }, hang: { trials: [] } };
  let engines: EngineOutageResult;
  try {
    for (let trial = 0; trial < sizes.restartTrials; trial++) {
      try {
        const watcherKinds = await startWatchers(handle, harness.url);
        const faultAt = Date.now();
        await control(harness.url, 'restart', { downMs: OUTAGE_MS });
        const backAt = await waitForRestart(harness.url, OUTAGE_MS + 10_000);
        const events = await waitFor(handle, watcherKinds, (list) => !!firstAfter(list, 'open', faultAt), RECONNECT_BOUND_MS, 25);
        for (const kind of watcherKinds) {
          const open = firstAfter(events[kind], 'open', faultAt);
          if (open) (reconnect[kind] ??= []).push(open.at - backAt);
        }
      } catch (error) {
        log.note(`recovery restart trial ${trial + 1}`, error);
      } finally {
        await handle.page.evaluate(() => window.bench.unwatch()).catch(() => {});
      }
      context.progress(`recovery restart trial ${trial + 1}/${sizes.restartTrials}`);
    }

    // Each black-hole trial waits until every library noticed or `blackholeBoundMs` passed: ~40 s
    // for socket.io-client (its ping interval + timeout), the whole 50 s for reconnecting-websocket
    // (which never notices), so one after the other they took 3 x ~53 s. They run side by side now,
    // each on its own harness process (a fault reaches only its own connections) and its own page:
    // while they wait, nothing runs but the libraries' timers and a poll every 100 ms, so the
    // detection times (those timers, reported to 0.1 s) are the same as one at a time. The outage,
    // the bound and the random moment of the fault within a heartbeat are unchanged; the
    // latency-sensitive restart and fallback trials still run alone.
    const blackholeResults = await Promise.allSettled(
      Array.from({ length: sizes.blackholeTrials }, async (_, trial) => {
        const result = await blackholeTrial(browser, sizes.blackholeBoundMs);
        context.progress(`recovery blackhole trial ${trial + 1}/${sizes.blackholeTrials}`);
        return result;
      }),
    );
    blackholeResults.forEach((settled, trial) => {
      if (settled.status === 'rejected') return void log.note(`recovery blackhole trial ${trial + 1}`, settled.reason);
      for (const [kind, lostAfterMs] of Object.entries(settled.value)) {
        if (lostAfterMs === undefined) undetected[kind] = (undetected[kind] ?? 0) + 1;
        else (detect[kind] ??= []).push(lostAfterMs);
      }
    });

    for (const mode of ['refuse', 'hang'] as const) {
      for (let trial = 0; trial < sizes.fallbackTrials && !fallback[mode].unavailable; trial++) {
        try {
          await handle.reload();
          await control(harness.url, 'block-websocket', { mode });
          const result = await handle.page.evaluate(([url, bound]) => {
            if (!window.bench.fallbackTrial) throw new Error(`MISSING: ${window.bench.loadErrors.join('; ') || 'ours.js not loaded'}`);
            return window.bench.fallbackTrial(url, bound);
          }, [harness.url, FALLBACK_BOUND_MS] as const);
          fallback[mode].trials.push(result);
        } catch (error) {
          const unavailable = asUnavailable(error);
          if (unavailable.code === 'missing') fallback[mode].unavailable = unavailableCell(unavailable);
          log.note(`recovery fallback ${mode} trial ${trial + 1}`, unavailable);
        } finally {
          await control(harness.url, 'reset');
        }
        context.progress(`recovery fallback ${mode} trial ${trial + 1}/${sizes.fallbackTrials}`);
      }
    }
    engines = await runEngineOutages(browser, harness, sizes, log, context.progress);
  } finally {
    await handle.close();
    await harness.close();
  }
  const result = report({ sizes, reconnect, detect, undetected, fallback, log, oursError: browser.oursError });
  return {
    ...result,
    tables: [...result.tables, ...engines.tables],
    targets: [...result.targets, ...engines.targets],
    headlines: [...result.headlines, ...engines.headlines],
    data: { ...result.data, ...engines.data },
  };
}

interface Collected {
  sizes: Sizes;
  reconnect: Record<string, number[]>;
  detect: Record<string, number[]>;
  undetected: Record<string, number>;
  fallback: Record<'refuse' | 'hang', { trials: FallbackTrial[]; unavailable?: string }>;
  log: ErrorLog;
  oursError: string | undefined;
}

const spreadCell = (s: Spread) => (s.n ? range(ms(s.median), ms(s.min), ms(s.max)) : '–');
const seconds = (value: number) => `${(value / 1000).toFixed(1)} s`;

function report({ sizes, reconnect, detect, undetected, fallback, log, oursError }: Collected): Omit<GroupResult, 'ranAt' | 'durationMs' | 'quick'> {
  const missing = (kind: string) => (kind === 'unisocket' && oursError ? unavailableCell(asUnavailable(oursError)) : undefined);
  const restartRows = LIBRARIES.map(({ kind, label }) => {
    const s = spread(reconnect[kind] ?? []);
    const gone = missing(kind);
    return gone ? [label, gone, gone, gone, gone] : [label, s.n ? ms(s.median) : '–', s.n ? `${ms(s.p10)} – ${ms(s.p90)}` : '–', s.n ? `${ms(s.min)} – ${ms(s.max)}` : '–', `${s.n}/${sizes.restartTrials}`];
  });
  const detectRows = LIBRARIES.map(({ kind, label }) => {
    const s = spread(detect[kind] ?? []);
    const misses = undetected[kind] ?? 0;
    const gone = missing(kind);
    if (gone) return [label, gone, gone];
    const bound = `not within ${seconds(sizes.blackholeBoundMs)}`;
    return [label, s.n ? `${seconds(s.median)} (${seconds(s.min)} – ${seconds(s.max)})` : bound, `${s.n}/${s.n + misses}${misses ? ` (${misses} ${bound})` : ''}`];
  });
  const fallbackRows = (['refuse', 'hang'] as const).map((mode) => {
    const { trials, unavailable } = fallback[mode];
    const name = mode === 'refuse' ? 'upgrade refused (HTTP 403)' : 'upgrade hung (never answered)';
    if (unavailable) return [name, unavailable, unavailable, unavailable];
    const open = spread(trials.map((t) => t.openMs));
    const working = spread(trials.map((t) => t.workingMs));
    return [name, spreadCell(open), spreadCell(working), [...new Set(trials.map((t) => t.transport))].join(', ') || '–'];
  });
  const tables: Table[] = [
    {
      title: `Server back to connected after a ${OUTAGE_MS / 1000} s outage, library defaults (${sizes.restartTrials} trials)`,
      columns: ['library', 'median', 'p10 – p90', 'min – max', 'reconnected'],
      rows: restartRows,
      note: 'The harness drops every connection and refuses new ones for 2 s (`/_control/restart?downMs=2000`). The time runs from the moment the port accepts connections again (polled every 5 ms) to the library\'s own "connected" event (ours: `lifecycle` `open`, socket.io-client: `connect`, reconnecting-websocket: `open`). All three run in one page through the same outage.',
    },
    {
      title: 'Silent (black-holed) connection detected, library defaults',
      columns: ['library', 'median (min – max)', 'detected'],
      rows: detectRows,
      note: '`/_control/blackhole`, at a random moment 1 to 6 s after connecting (the trials run side by side, each on its own harness process and page): existing connections stop answering without closing (no FIN, no reset), as in a network partition. The time runs from the fault to the library noticing (ours: leaves `open`, socket.io-client: `disconnect`, reconnecting-websocket: `close`). Harness heartbeats: envelope 5 s, Socket.IO ping interval 25 s + timeout 20 s (its defaults).',
    },
    {
      title: `WebSocket blocked: \`connect()\` to working over SSE (${sizes.fallbackTrials} trials each, fresh page and storage per trial)`,
      columns: ['fault', 'to open: median (min – max)', 'to working: median (min – max)', 'transport'],
      rows: fallbackRows,
      note: `From \`connect()\` to the \`open\` event, and to the first acked \`echo\` ("working"). Default \`fallbackDelayMs\` ${FALLBACK_DELAY_MS} ms: a hung upgrade starts SSE in parallel after that delay; a refused one moves on at once.`,
    },
  ];
  const ours = spread(reconnect['unisocket'] ?? []);
  const oursDetect = spread(detect['unisocket'] ?? []);
  const refused = spread(fallback.refuse.trials.map((t) => t.workingMs));
  const hung = spread(fallback.hang.trials.map((t) => t.workingMs));
  const gone = missing('unisocket');
  const verdict = (s: Spread, ok: boolean, unavailable?: string): TargetCheck['verdict'] => (unavailable ? 'n/a' : !s.n ? 'n/a' : ok ? 'met' : 'missed');
  const targets: TargetCheck[] = [
    { target: 'server back to connected median ≤ 300 ms with defaults (show the spread)', measured: gone ?? (ours.n ? `${ms(ours.median)} (p10 – p90 ${ms(ours.p10)} – ${ms(ours.p90)})` : 'no data'), verdict: verdict(ours, ours.median <= 300, gone) },
    {
      target: 'silent connection detected within 10 s with defaults',
      measured: gone ?? (oursDetect.n ? `${seconds(oursDetect.median)} (max ${seconds(oursDetect.max)})` : `not within ${seconds(sizes.blackholeBoundMs)}`),
      verdict: gone ? 'n/a' : oursDetect.n && !undetected['unisocket'] ? (oursDetect.max <= 10_000 ? 'met' : 'missed') : 'missed',
    },
    { target: 'refused WebSocket upgrade to working over SSE ≤ 250 ms', measured: fallback.refuse.unavailable ?? (refused.n ? `${ms(refused.median)} (max ${ms(refused.max)})` : 'no data'), verdict: verdict(refused, refused.median <= 250, fallback.refuse.unavailable) },
    {
      target: `hung WebSocket upgrade to working ≤ fallback delay + 100 ms (${FALLBACK_DELAY_MS + 100} ms)`,
      measured: fallback.hang.unavailable ?? (hung.n ? `${ms(hung.median)} (max ${ms(hung.max)})` : 'no data'),
      verdict: verdict(hung, hung.median <= FALLBACK_DELAY_MS + 100, fallback.hang.unavailable),
    },
  ];
  const sio = spread(reconnect['socket.io-client'] ?? []);
  const rws = spread(reconnect['reconnecting-websocket'] ?? []);
  const headlines: string[] = [];
  if (ours.n) headlines.push(`back to connected after a 2 s outage: ${ms(ours.median)} median (socket.io-client ${ms(sio.median)}, reconnecting-websocket ${ms(rws.median)})`);
  if (oursDetect.n) headlines.push(`silent connection detected in ${seconds(oursDetect.median)} (socket.io-client ${detect['socket.io-client']?.length ? seconds(spread(detect['socket.io-client']).median) : `not within ${seconds(sizes.blackholeBoundMs)}`})`);
  return { group: 'recovery', title: 'Recovery', tables, targets, headlines, errors: log.errors, data: { sizes, reconnect, detect, undetected, fallback } };
}
