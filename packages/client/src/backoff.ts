/**
 * Reconnect delays. The defaults were picked by simulating a 2 s outage with full jitter: with
 * `initialDelayMs` 100 and `factor` 1.25 the median time from the server coming back to the next
 * attempt is about 270 ms (p90 about 670 ms), while a long outage settles at one attempt every
 * ~2.5 s per client (cap 5 s, full jitter spreads clients apart: no reconnect storm).
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

/**
 * The delay before reconnect attempt `attempt` (0 for the first): full jitter between the floor and
 * `cap = min(maxDelayMs, initialDelayMs * factor^attempt)`, never below `minDelayMs`, and never below
 * a delay the server asked for (`retryAfterMs`). `random` returns a number in [0, 1).
 */
export function backoffDelay(attempt: number, options: ResolvedBackoff, random: () => number, retryAfterMs = 0): number {
  const floor = options.minDelayMs;
  const cap = Math.max(floor, Math.min(options.maxDelayMs, options.initialDelayMs * options.factor ** attempt));
  const share = 1 - options.jitter + options.jitter * random();
  return Math.max(floor + share * (cap - floor), retryAfterMs);
}
