/**
 * Reconnect delays, shaped by the outage rather than by the attempt count (refused attempts are
 * cheap, so counting them says little about how long the server has been gone):
 * - the first retry comes fast (within `initialDelayMs`, 100 ms): a lone drop on a healthy server
 *   reconnects at once;
 * - later ones wait between half and all of a window of `windowMs` (500 ms) until the outage is
 *   2.5 s old, then of a fifth of the outage so far, up to `maxDelayMs` (5 s, reached after 25 s).
 *   A 2 s outage costs about 5.5 rounds per client (it was ~18 with a window that started at 100 ms
 *   and grew by attempts), and the server, once back, sees each client within a window of 500 ms
 *   (median wait about 190 ms: the recovery target is 300 ms): fewer knocks on a restarting server,
 *   arrivals still spread;
 * - after `suspendAfterMs` (2 min) the outage is long: the client is `suspended` and retries every
 *   15-30 s (`suspendedDelayMs`), about 2.7 rounds a minute instead of 16, as Ably's `suspended` does.
 * Half jitter (`jitter: 0.5`) rather than full: no retry comes sooner than half its window, which is
 * what bounds the rate per client; the other half still spreads a herd.
 */
export interface BackoffOptions {
  /** Upper bound of the first delay after a connection is lost, in ms. @default 100 */
  initialDelayMs?: number;
  /** Window of the later delays while the outage is young (until it is 5 × this old; then a fifth of the outage), in ms. @default 500 */
  windowMs?: number;
  /** No window grows past this (until `suspendAfterMs`), in ms. @default 5000 */
  maxDelayMs?: number;
  /** Floor of every delay, on every failure path (never a zero-delay loop), in ms; must be > 0. @default 50 */
  minDelayMs?: number;
  /** Share of the window that is random: 1 is full jitter (uniform between floor and window), 0 always waits the whole window. @default 0.5 */
  jitter?: number;
  /** Reconnect attempts in a row before giving up with `max-attempts` (terminal). @default Infinity */
  maxAttempts?: number;
  /** A connection open this long resets the attempt count (and the delay) to the start, in ms. @default 5000 */
  stableAfterMs?: number;
  /** An outage this long makes the client `suspended`: it then retries within `suspendedDelayMs`, in ms; `Infinity` never. @default 120000 */
  suspendAfterMs?: number;
  /** The window while suspended, and of the safety probe while the browser says it is offline, in ms. @default 30000 */
  suspendedDelayMs?: number;
}

export type ResolvedBackoff = Required<BackoffOptions>;

/** Past the young outage, the window is the outage so far divided by this. */
const OUTAGE_SHARE = 5;

/** The window of retry `attempt` (0 for the first) after `outageMs` of outage. */
export function backoffWindow(attempt: number, options: ResolvedBackoff, outageMs: number): number {
  const { initialDelayMs, windowMs, maxDelayMs } = options;
  if (outageMs >= options.suspendAfterMs) return options.suspendedDelayMs;
  return attempt ? Math.min(maxDelayMs, Math.max(windowMs, outageMs / OUTAGE_SHARE)) : Math.min(maxDelayMs, initialDelayMs);
}

/**
 * The delay before reconnect attempt `attempt` (0 for the first): between the floor and the
 * {@link backoffWindow}, the last `jitter` share of it random, never below `minDelayMs` nor below a
 * delay the server asked for (`retryAfterMs`). `random` returns a number in [0, 1).
 */
export function backoffDelay(attempt: number, options: ResolvedBackoff, random: () => number, retryAfterMs = 0, outageMs = 0): number {
  const floor = options.minDelayMs;
  const cap = Math.max(floor, backoffWindow(attempt, options, outageMs));
  const share = 1 - options.jitter + options.jitter * random();
  return Math.max(floor + share * (cap - floor), retryAfterMs);
}
