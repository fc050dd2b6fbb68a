// One chaos run: a fresh harness, one endpoint kind, numbered messages both ways through a seeded plan
// of faults, then the count of what was lost, duplicated or out of order against what was owed.
import { startHarness } from '@unisocket/harness-server';
import { inject, planFaults, reset, type PlannedFault } from './faults.js';
import { chaosPolicy, until, type ChaosKind, type Guarantee } from './kinds.js';
import { seeded } from './prng.js';
import { tally, type Tally } from './tally.js';

export interface ChaosOptions {
  seed: number;
  /** Numbered messages each way. */
  messages: number;
  faults: number;
  /** How long to wait for what is still on its way once the faults are over. @default 20000 */
  settleMs?: number;
}

/** How a stream fared against its guarantee. */
export type Verdict = 'held' | 'gap reported' | 'broken' | 'counted';

export interface ChaosResult {
  kind: string;
  seed: number;
  faults: PlannedFault[];
  up: Tally;
  down: Tally;
  verdict: { up: Verdict; down: Verdict };
  /** `gap` events of the kind's clients: the client said messages may be missing. */
  gaps: number;
  /** Terminal closes (an SSE 204 says stop); the runner connected again, as an application would. */
  terminal: number;
  /** Connections lost and regained. */
  recoveries: number;
  durationMs: number;
}

/**
 * Whether `t` keeps `guarantee`: `held`; `gap reported` when it did not but the client said so (`reports`:
 * `gap` events, and terminal closes: an SSE 204 ends the session for good, the application is told);
 * `broken` when messages went missing (or came twice, or out of order, where that is promised) silently.
 */
export function verdict(guarantee: Guarantee, t: Tally, reports: number): Verdict {
  if (guarantee == 'none') return 'counted';
  const kept = guarantee == 'exactly once' ? !t.lost && !t.duplicated && !t.outOfOrder : !t.lost;
  return kept ? 'held' : reports ? 'gap reported' : 'broken';
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runChaos(kind: ChaosKind, { seed, messages, faults: count, settleMs = 20_000 }: ChaosOptions): Promise<ChaosResult> {
  const started = Date.now();
  const harness = await startHarness({
    port: 0,
    testControls: true,
    log: () => undefined,
    heartbeatMs: 1000,
    socketIoPingIntervalMs: 1000,
    socketIoPingTimeoutMs: 1000,
    sseMaxAgeSeconds: 3,
    sseCommentMs: 1000,
    testEventDelayMs: -1,
  });
  const base = harness.url;
  let finished = false;
  const party = await kind.start(base, chaosPolicy());
  let gaps = 0;
  let terminal = 0;
  let recoveries = 0;
  for (const client of party.clients) {
    client.lifecycle.on('gap', () => gaps++);
    client.lifecycle.on('open', ({ recovered }) => recovered && recoveries++);
    client.lifecycle.on('close', ({ terminal: final }) => {
      if (!final || finished) return;
      terminal++;
      setTimeout(() => finished || client.connect(), 100);
    });
  }
  try {
    const plan = planFaults(seeded(seed), count, kind.faults);
    const last = plan.at(-1);
    const durationMs = (last ? last.atMs + last.holdMs + (last.downMs ?? 0) : 0) + 1500;
    // One timeline of messages, faults and their ends, run in order: a POST never overlaps a fault.
    type Step = { atMs: number; run: () => Promise<void> | void };
    const owed = { up: [] as boolean[], down: [] as boolean[] };
    const steps: Step[] = [];
    for (let n = 1; n <= messages; n++) {
      steps.push({
        atMs: (n * durationMs) / (messages + 1),
        run: async () => {
          owed.up[n] = party.member();
          try {
            party.up(n);
          } catch {
            owed.up[n] = false; // refused by a client closed for good: nothing was sent
          }
          owed.down[n] = party.member();
          await party.down(n);
        },
      });
    }
    for (const fault of plan) {
      steps.push({ atMs: fault.atMs, run: () => inject(base, fault) });
      if (fault.holdMs) steps.push({ atMs: fault.atMs + fault.holdMs, run: () => reset(base) });
    }
    steps.sort((a, b) => a.atMs - b.atMs);
    const origin = Date.now();
    for (const step of steps) {
      const wait = origin + step.atMs - Date.now();
      if (wait > 0) await sleep(wait);
      await step.run();
    }
    await reset(base);
    const owedCount = (list: boolean[]) => list.filter(Boolean).length;
    const arrived = (list: number[], owedList: boolean[]) => new Set(list.filter((n) => owedList[n])).size >= owedCount(owedList);
    await until(() => arrived(party.received.up, owed.up) && arrived(party.received.down, owed.down), settleMs).catch(() => undefined);
    const up = tally(messages, party.received.up, (n) => owed.up[n] ?? false);
    const down = tally(messages, party.received.down, (n) => owed.down[n] ?? false);
    return {
      kind: kind.name,
      seed,
      faults: plan,
      up,
      down,
      verdict: { up: verdict(kind.promises.up, up, gaps + terminal), down: verdict(kind.promises.down, down, gaps + terminal) },
      gaps,
      terminal,
      recoveries,
      durationMs: Date.now() - started,
    };
  } finally {
    finished = true;
    for (const client of party.clients) client.close();
    await harness.close();
  }
}
