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

/**
 * The longest delay platform timers take: 2^31-1 ms (~24.8 days). A longer one overflows and fires
 * after ~1 ms, so a huge `retry:`, `Retry-After`, heartbeat or timeout would become a busy loop.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * `ms` cut to {@link MAX_TIMER_MS}, for every platform timer (the system clock's and the transports'
 * own). A cut timer fires early, after ~24.8 days: deadlines are re-checked when their timer fires.
 */
export const timerMs = (ms: number): number => Math.min(ms, MAX_TIMER_MS);

/** The real clock: `Date.now` and the global timers, every delay cut to {@link MAX_TIMER_MS}. */
export const systemClock: Clock = {
  now: () => Date.now(),
  // The globals, looked up at each call (so they may be stubbed), and called unbound as they must be.
  setTimeout: (callback, ms) => setTimeout(callback, timerMs(ms)),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
