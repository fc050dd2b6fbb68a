// Group `scale`: what receiving costs the page, per 10,000 server events, at growing counts: main
// thread CPU (Chrome's TaskDuration and ScriptDuration) and heap still held after a full GC. A cost
// that grows linearly has the same per-10,000 figure at every count.
import type { CDPSession } from '@playwright/test';
import { int, ms, ratio } from '../format.js';
import { startHarnessProcess } from '../harness-process.js';
import { EnvelopeDriver } from '../net/envelope-driver.js';
import { CHAT_TEXT } from '../page/payload.js';
import { asUnavailable, ErrorLog, unavailableCell, type GroupResult, type Table } from '../results.js';
import { median } from '../stats.js';
import { pick, type GroupContext } from './context.js';

const PEERS = [
  { peer: 'ours-default', label: 'unisocket `connect()`' },
  { peer: 'ours-sse', label: 'unisocket over SSE' },
  { peer: 'bare-ws', label: 'bare `WebSocket` (reference)' },
  { peer: 'bare-sse', label: 'bare `EventSource` (reference)' },
] as const;

const RECEIVE_TIMEOUT_MS = 120_000;
/** A burst whose count has not moved for this long has stopped (a cut connection, a lost resume). */
const RECEIVE_STALL_MS = 15_000;
/**
 * The harness's send queue per connection: above the largest burst (40,000 events of ~250 bytes as SSE
 * events), so the page is never cut as a slow consumer. The default (2 MiB) cuts a page that falls
 * 2 MiB behind, which a busy main thread reading a burst from loopback can; the client then resumes
 * from the log with a `gap`, and this group would measure a lost burst instead of receiving.
 */
const HARNESS_SEND_QUEUE_BYTES = 64 * 1024 * 1024;

interface Sample {
  cpuMs: number;
  scriptMs: number;
  heapBytes: number;
}

async function metrics(cdp: CDPSession): Promise<Record<string, number>> {
  const { metrics: list } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(list.map((metric) => [metric.name, metric.value]));
}

/** Heap in use after a full GC (the GC's own time stays out of the CPU figures: read those first). */
async function heapAfterGc(cdp: CDPSession): Promise<number> {
  await cdp.send('HeapProfiler.collectGarbage');
  return (await metrics(cdp))['JSHeapUsedSize'] ?? NaN;
}

export async function runClientScale(context: GroupContext): Promise<Omit<GroupResult, 'ranAt' | 'durationMs' | 'quick'>> {
  const { rounds, counts } = pick(context, { rounds: 3, counts: [10_000, 20_000, 40_000] }, { rounds: 1, counts: [1000, 2000] });
  const log = new ErrorLog();
  const browser = await context.browser();
  const harness = await startHarnessProcess({ maxBufferedBytes: HARNESS_SEND_QUEUE_BYTES });
  const handle = await browser.newPage();
  const samples = new Map<string, Sample[]>();
  const unavailable = new Map<string, string>();
  const transports = new Map<string, Set<string>>();
  try {
    const cdp = await handle.cdp();
    await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
    await cdp.send('HeapProfiler.enable');
    for (let round = 0; round < rounds; round++) {
      for (const count of counts) {
        for (const { peer } of PEERS) {
          if (unavailable.has(peer)) continue;
          const room = `scale-${round}-${count}-${peer}`;
          const driver = await EnvelopeDriver.open(harness.url);
          try {
            await driver.join(room);
            const { transport } = await handle.page.evaluate(([p, url, r, n]) => window.bench.receiveStart(p, url, r, n), [peer, harness.url, room, count] as const);
            transports.set(peer, (transports.get(peer) ?? new Set()).add(transport));
            const heapBefore = await heapAfterGc(cdp);
            const before = await metrics(cdp);
            driver.sendChats(count, CHAT_TEXT);
            await handle.page.evaluate(([timeout, stall]) => window.bench.receiveDone(timeout, stall), [RECEIVE_TIMEOUT_MS, RECEIVE_STALL_MS] as const);
            const after = await metrics(cdp);
            const heapAfter = await heapAfterGc(cdp);
            const delta = (name: string) => (after[name] ?? NaN) - (before[name] ?? NaN);
            const key = `${peer}:${count}`;
            samples.set(key, [...(samples.get(key) ?? []), { cpuMs: delta('TaskDuration') * 1000, scriptMs: delta('ScriptDuration') * 1000, heapBytes: heapAfter - heapBefore }]);
          } catch (error) {
            const reason = asUnavailable(error);
            if (reason.code !== 'error') unavailable.set(peer, unavailableCell(reason));
            log.note(`scale ${peer} ${count} round ${round + 1}`, reason);
            await handle.reload();
          } finally {
            driver.close();
            await handle.page.evaluate(() => window.bench.receiveClose()).catch(() => {});
          }
          context.progress(`scale round ${round + 1}/${rounds} ${peer} ${int(count)}`);
        }
      }
    }
  } finally {
    await handle.close();
    await harness.close();
  }

  const per10k = (peer: string, count: number, metric: keyof Sample) => median((samples.get(`${peer}:${count}`) ?? []).map((s) => (s[metric] / count) * 10_000));
  const total = (peer: string, count: number, metric: keyof Sample) => median((samples.get(`${peer}:${count}`) ?? []).map((s) => s[metric]));
  const smallest = counts[0] ?? 0;
  const largest = counts[counts.length - 1] ?? 0;
  const kb = (bytes: number) => (Number.isFinite(bytes) ? `${int(bytes / 1000)} KB` : '–');
  const tables: Table[] = [
    {
      title: `Receiving server events in Chromium: CPU per 10,000 events and heap held afterwards (median of ${rounds} rounds)`,
      columns: ['client', ...counts.map((count) => `CPU per 10,000 at ${int(count)}`), `CPU ${int(largest)} / ${int(smallest)} (1.00x = linear)`, ...counts.map((count) => `heap held after ${int(count)}`)],
      rows: PEERS.map(({ peer, label: name }) => {
        const gone = unavailable.get(peer);
        const label = `${name} (${[...(transports.get(peer) ?? [])].join(', ') || '–'})`;
        if (gone) return [label, ...counts.map(() => gone), gone, ...counts.map(() => gone)];
        return [label, ...counts.map((count) => ms(per10k(peer, count, 'cpuMs'))), ratio(per10k(peer, largest, 'cpuMs') / per10k(peer, smallest, 'cpuMs')), ...counts.map((count) => kb(total(peer, count, 'heapBytes')))];
      }),
      note: 'A Node peer sends `chat` events (~150 bytes each as delivered) into a room the page joined; the page counts them. CPU is the growth of Chrome\'s main-thread `TaskDuration` (CDP `Performance.getMetrics`) while receiving, per 10,000 events; heap held is `JSHeapUsedSize` after a forced GC minus before, with the connection still open (memory that grows with the count would be kept per event). The events arrive in one burst, so the network hands the page larger chunks the more events there are. The harness runs with a 64 MiB send queue per connection (`--max-buffered-bytes`; default 2 MiB) so that no burst is cut as a slow consumer.',
    },
  ];
  const ours = per10k('ours-default', largest, 'cpuMs');
  const bare = per10k('bare-ws', largest, 'cpuMs');
  return {
    group: 'scale',
    title: 'Scale of the client',
    tables,
    targets: [],
    headlines: Number.isFinite(ours) ? [`receiving: ${ms(ours)} CPU per 10,000 events (bare WebSocket ${ms(bare)}), ${ratio(ours / per10k('ours-default', smallest, 'cpuMs'))} from ${int(smallest)} to ${int(largest)} events`] : [],
    errors: log.errors,
    data: { rounds, counts, samples: Object.fromEntries(samples), unavailable: Object.fromEntries(unavailable) },
  };
}
