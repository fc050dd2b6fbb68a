/** Opaque timer handle returned by a {@link Clock}. */
export type TimerHandle = unknown;

/**
 * Time, injected so that every deadline and backoff delay can be driven by a fake clock in tests.
 * `now()` is wall-clock milliseconds: deadlines are checked against it, not against timer counts,
 * so throttled timers in background tabs cannot stretch a liveness deadline.
 */
export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** The real clock: `Date.now` and the global timers. */
export const systemClock: Clock = {
  now: () => Date.now(),
  // The globals, looked up at each call (so they may be stubbed), and called unbound as they must be.
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
