// Part of group `recovery`: the same long outage seen from Chromium and from Firefox, side by side.
// Firefox holds back WebSocket reconnections to a server after failures (RFC 6455 section 7.2.3: a
// hold that grows 1.5x per failure, up to a minute, invisible to the page), so a client that waits
// for its WebSocket is back later there. Each trial opens four pages, one per engine and client
// (`connect()`, and a WebSocket-only client), each in a browser context of its own (Firefox keeps the
// hold per context), holds the harness down for `outageMs`, releases it, and times each page's
// return. Every attempt and decision is traced (page/ours.ts `tracedWatcher`), so a slow return can
// be explained from the JSON results.
import { launchBenchBrowser, firefoxPath, type BenchBrowser, type BenchPageHandle, type Engine } from '../browser.js';
import { ms, range } from '../format.js';
import type { HarnessProcess } from '../harness-process.js';
import { control, postJson } from '../net/http.js';
import type { WatchEvent } from '../page/types.js';
import type { ErrorLog, Table, TargetCheck } from '../results.js';
import { spread } from '../stats.js';
import { firstAfter, waitFor } from './recovery.js';

const CLIENTS = [
  { kind: 'unisocket-traced', label: '`connect()` (WebSocket, SSE fallback)' },
  { kind: 'unisocket-ws-traced', label: 'WebSocket only (`createClient` with `websocket()`)' },
] as const;
type ClientKind = (typeof CLIENTS)[number]['kind'];

const OPEN_BOUND_MS = 20_000;
/** Past the longest retry wait (5 s) + connect timeout (10 s) + Firefox's hold: a page not back by then is reported as not back. */
const BACK_BOUND_MS = 45_000;

export interface EngineOutageSizes {
  engineTrials: number;
  engineOutageMs: number;
}

/** One page's return after one outage: ms from the harness listening again to `open` (undefined: not within the bound). */
export interface EngineReturn {
  engine: Engine;
  client: ClientKind;
  backMs: number | undefined;
  transport: string | undefined;
  /** Connections the page tried while the server was down: WebSockets created, SSE streams (GET) started. */
  knocks: { webSockets: number; streams: number };
  /** `+ms from the fault: step`, from the fault to the return. */
  trace: string[];
}

export interface EngineOutageResult {
  tables: Table[];
  targets: TargetCheck[];
  headlines: string[];
  data: { engineSizes: EngineOutageSizes; engineReturns: EngineReturn[]; firefox: string | undefined };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const mean = (values: readonly number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;

interface Watched {
  engine: Engine;
  client: ClientKind;
  handle: BenchPageHandle;
}

async function openWatched(browser: BenchBrowser, engine: Engine, client: ClientKind, harnessUrl: string): Promise<Watched> {
  const handle = await browser.newPage();
  await handle.page.evaluate(([kind, url]) => window.bench.watch([kind], url), [client, harnessUrl] as const);
  const events = await waitFor(handle, [client], (list) => list.some((e) => e.type === 'open'), OPEN_BOUND_MS, 50);
  if (!events[client]?.some((e) => e.type === 'open')) throw new Error(`${client} in ${engine} never opened`);
  return { engine, client, handle };
}

async function trial(browsers: Partial<Record<Engine, BenchBrowser>>, harness: HarnessProcess, outageMs: number): Promise<EngineReturn[]> {
  const watched: Watched[] = [];
  try {
    for (const [engine, browser] of Object.entries(browsers) as [Engine, BenchBrowser][]) {
      for (const { kind } of CLIENTS) watched.push(await openWatched(browser, engine, kind, harness.url));
    }
    const { release } = (await control(harness.url, 'restart', { hold: 'true' })) as { release?: string };
    if (typeof release != 'string') throw new Error('the harness answered no release URL for restart?hold=true');
    const faultAt = Date.now();
    await sleep(outageMs);
    // Answered once the harness listens again.
    await postJson(release);
    const backAt = Date.now();
    return await Promise.all(
      watched.map(async ({ engine, client, handle }) => {
        const events = (await waitFor(handle, [client], (list) => !!firstAfter(list, 'open', faultAt), BACK_BOUND_MS, 25))[client] ?? [];
        const open = firstAfter(events, 'open', faultAt);
        const during = events.filter((e: WatchEvent) => e.at >= faultAt && (!open || e.at <= open.at));
        const whileDown = (pattern: RegExp) => during.filter((e) => e.at < backAt && pattern.test(e.note ?? '')).length;
        return {
          engine,
          client,
          backMs: open ? open.at - backAt : undefined,
          transport: open?.transport,
          knocks: { webSockets: whileDown(/^ws#\d+ created/), streams: whileDown(/^GET#\d+ started/) },
          trace: during.map((e) => `+${e.at - faultAt} ${e.type === 'trace' ? e.note : `${e.type}${e.transport ? ` ${e.transport}` : ''}`}`),
        };
      }),
    );
  } finally {
    for (const { handle } of watched) {
      await handle.page.evaluate(() => window.bench.unwatch()).catch(() => {});
      await handle.close();
    }
  }
}

const ENGINE_NAMES: Record<Engine, string> = { chromium: 'Chromium', firefox: 'Firefox' };

/** The engine comparison: `sizes.engineTrials` outages of `sizes.engineOutageMs`, Chromium and (where installed) Firefox side by side. */
export async function runEngineOutages(chromium: BenchBrowser, harness: HarnessProcess, sizes: EngineOutageSizes, log: ErrorLog, progress: (message: string) => void): Promise<EngineOutageResult> {
  const returns: EngineReturn[] = [];
  let firefox: BenchBrowser | undefined;
  try {
    // Without a Firefox here ($FIREFOX_PATH, /usr/bin/firefox-esr) the table has Chromium's rows only.
    if (firefoxPath()) firefox = await launchBenchBrowser('firefox');
  } catch (error) {
    log.note('engines: launching Firefox', error);
  }
  try {
    for (let n = 0; n < sizes.engineTrials; n++) {
      try {
        returns.push(...(await trial({ chromium, ...(firefox && { firefox }) }, harness, sizes.engineOutageMs)));
      } catch (error) {
        log.note(`engines trial ${n + 1}`, error);
      }
      progress(`recovery engines trial ${n + 1}/${sizes.engineTrials}`);
    }
  } finally {
    await firefox?.close();
  }
  return report(sizes, returns, firefox?.version);
}

function report(sizes: EngineOutageSizes, returns: EngineReturn[], firefox: string | undefined): EngineOutageResult {
  const outage = `${sizes.engineOutageMs / 1000} s`;
  const of = (engine: Engine, client: ClientKind) => returns.filter((r) => r.engine == engine && r.client == client);
  const back = (engine: Engine, client: ClientKind) => spread(of(engine, client).flatMap((r) => (r.backMs === undefined ? [] : [r.backMs])));
  const engines: Engine[] = firefox ? ['chromium', 'firefox'] : ['chromium'];
  const rows = CLIENTS.flatMap(({ kind, label }) =>
    engines.map((engine) => {
      const s = back(engine, kind);
      const all = of(engine, kind);
      const transports = [...new Set(all.map((r) => r.transport ?? 'not back'))].map((t) => `${t} ${all.filter((r) => (r.transport ?? 'not back') == t).length}`);
      const ratio = engine == 'firefox' && back('chromium', kind).n && s.n ? `${(s.median / back('chromium', kind).median).toFixed(1)}x` : '';
      const knocks = all.length ? `${(mean(all.map((r) => r.knocks.webSockets)) + mean(all.map((r) => r.knocks.streams))).toFixed(1)} (WebSocket ${mean(all.map((r) => r.knocks.webSockets)).toFixed(1)})` : '–';
      return [label, ENGINE_NAMES[engine], s.n ? range(ms(s.median), ms(s.min), ms(s.max)) : '–', ratio, knocks, transports.join(', ') || '–', `${s.n}/${all.length}`];
    }),
  );
  const tables: Table[] = [
    {
      title: `Server back to connected after a ${outage} outage, Chromium and Firefox side by side (${sizes.engineTrials} trials)`,
      columns: ['client (library defaults)', 'engine', 'median (min – max)', 'Firefox / Chromium', 'connections tried while down (mean)', 'reconnected on', 'reconnected'],
      rows,
      note: `\`/_control/restart?hold=true\`: every connection dropped and new ones refused for ${outage}, then released; the time runs from the release's answer (the harness listens again) to the client's \`open\`. The four clients (per engine: \`connect()\`, and a WebSocket-only client) run through the same outage, each in a page and browser context of its own: Firefox's reconnection hold is kept per context. Firefox ${firefox ?? 'not installed'}. The attempts behind each figure (started, answered, retry delays) are in the JSON results (\`engineReturns[].trace\`).`,
    },
  ];
  const chromiumConnect = back('chromium', 'unisocket-traced');
  const firefoxConnect = back('firefox', 'unisocket-traced');
  const ok = chromiumConnect.n > 0 && firefoxConnect.n > 0;
  const targets: TargetCheck[] = [
    {
      target: `Firefox: \`connect()\` back after a ${outage} outage within 2x Chromium's time (median)`,
      measured: ok ? `${ms(firefoxConnect.median)} vs ${ms(chromiumConnect.median)} (${(firefoxConnect.median / chromiumConnect.median).toFixed(1)}x)` : 'no data',
      verdict: ok ? (firefoxConnect.median <= 2 * chromiumConnect.median ? 'met' : 'missed') : 'n/a',
    },
  ];
  const headlines = ok ? [`back after a ${outage} outage: \`connect()\` ${ms(chromiumConnect.median)} in Chromium, ${ms(firefoxConnect.median)} in Firefox (median)`] : [];
  return { tables, targets, headlines, data: { engineSizes: sizes, engineReturns: returns, firefox } };
}
