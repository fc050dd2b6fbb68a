import type { Failure } from './classify.js';

// Which endpoint to try next: pure functions of what the Connection knows, tested as tables. The
// Connection wires them to timers and attempts (retry.ts decides when).

/** The endpoints of a round, in the order to try: `first`, then the other supported ones in list order. */
export const raceOrder = (first: number, supported: readonly boolean[]): number[] =>
  [first, ...supported.keys()].filter((index, position) => supported[index] && (position == 0 || index != first));

/** Where a round starts: the remembered winner of this endpoint list (its label), else the first endpoint. */
export const preferredStart = (labels: readonly (string | undefined)[], remembered: string | undefined): number => Math.max(0, labels.indexOf(remembered));

/** The endpoint to probe in the background while connected on `current`: the best supported one, when it is better. */
export function probeTarget(current: number, supported: readonly boolean[], reprobeAfterMs: number): number | undefined {
  const best = supported.indexOf(true);
  return best >= 0 && current > best && reprobeAfterMs < Infinity ? best : undefined;
}

/** The wait before the next probe after a failed probe or a flap: twice the last, up to 32 × `reprobeAfterMs`. */
export const probeBackoff = (delayMs: number, reprobeAfterMs: number): number => Math.min(delayMs * 2, reprobeAfterMs * 32);

/** What the Connection knows when its confirmed connection is lost. */
export interface LossInput {
  /** The endpoint that was connected. */
  index: number;
  /** How long it was confirmed, in ms. */
  upForMs: number;
  failure: Failure;
  /** The endpoint of the last early loss not yet counted as a flap (-1: none). */
  earlyLossOn: number;
  supported: readonly boolean[];
  minStableMs: number;
  stableAfterMs: number;
}

export interface LossDecision {
  /** The attempt count starts again (a stable connection, or a stream the server ended cleanly). */
  resetAttempts: boolean;
  /** It died within `minStableMs` of confirming (not a clean end): the background probe backs off. */
  early: boolean;
  /** The next `earlyLossOn`. */
  earlyLossOn: number;
  /** A flap (two early losses in a row on this endpoint): the next round starts here instead of at the preferred one. */
  startWith: number | undefined;
}

/**
 * After the confirmed connection on `index` was lost. A stream the server ended cleanly (a CFML request
 * timeout) is routine, as for a native EventSource: the attempt count starts again, no flap. Unless the
 * server ends streams at once and asks for no wait: that would be a reconnect loop, so it counts as
 * a failure. Two early deaths in a row on the same endpoint are a flap of it (a proxy that accepts the
 * upgrade, then kills it): the next round starts with the next supported endpoint; one alone is a
 * glitch (a drop, a restart).
 */
export function afterLoss({ index, upForMs, failure, earlyLossOn, supported, minStableMs, stableAfterMs }: LossInput): LossDecision {
  const clean = failure.reason == 'ended' && upForMs + (failure.retryAfterMs ?? 0) >= minStableMs;
  const early = !clean && upForMs < minStableMs;
  const flapped = early && earlyLossOn == index;
  const next = flapped ? raceOrder((index + 1) % supported.length, supported)[0] : undefined;
  return {
    resetAttempts: clean || upForMs >= stableAfterMs,
    early,
    earlyLossOn: early && !flapped ? index : -1,
    startWith: next,
  };
}
