/**
 * Reconnect delays. The window grows with the attempt count AND is kept within a fifth of the outage
 * so far: refused attempts are cheap, so counting attempts alone lets ten rounds of a 2 s outage
 * widen the window to ~800 ms by the time the server is back. With the outage bound a 2 s outage
 * ends with a window of ~400 ms (median wait ~225 ms, arrivals still spread over it: no storm), while
 * a long outage still settles at one attempt every ~2.5 s per client (cap 5 s after 25 s).
 */
export interface BackoffOptions {
  /** Upper bound of the first delay, in ms. @default 100 */
  initialDelayMs?: number;
  /** Growth of the upper bound per failed attempt. @default 1.25 */
  factor?: number;
  /** The upper bound never grows past this, in ms. @default 5000 */
  maxDelayMs?: number;
  /** Floor of every delay, on every failure path (never a zero-delay loop), in ms; must be > 0. @default 50 */
  minDelayMs?: number;
  /** Share of the window that is random: 1 is full jitter (uniform between floor and cap), 0 always waits the cap. @default 1 */
  jitter?: number;
  /** Reconnect attempts in a row before giving up with `max-attempts` (terminal). @default Infinity */
  maxAttempts?: number;
  /** A connection open this long resets the attempt count (and the delay) to the start, in ms. @default 5000 */
  stableAfterMs?: number;
}

export type ResolvedBackoff = Required<BackoffOptions>;

/** The window never exceeds the outage so far divided by this (see above). */
const OUTAGE_SHARE = 5;

/**
 * The delay before reconnect attempt `attempt` (0 for the first): full jitter between the floor and
 * `cap = min(maxDelayMs, initialDelayMs * factor^attempt, max(initialDelayMs, outageMs / 5))`, never
 * below `minDelayMs`, and never below a delay the server asked for (`retryAfterMs`). `outageMs` is
 * the time since the first failure of this outage. `random` returns a number in [0, 1).
 */
export function backoffDelay(attempt: number, options: ResolvedBackoff, random: () => number, retryAfterMs = 0, outageMs = Infinity): number {
  const floor = options.minDelayMs;
  const { initialDelayMs } = options;
  const cap = Math.max(floor, Math.min(options.maxDelayMs, initialDelayMs * options.factor ** attempt, Math.max(initialDelayMs, outageMs / OUTAGE_SHARE)));
  const share = 1 - options.jitter + options.jitter * random();
  return Math.max(floor + share * (cap - floor), retryAfterMs);
}
