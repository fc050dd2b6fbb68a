import type { MaybePromise } from '../adapters/adapter.js';

/**
 * Continues with a value that may be a Promise, without making one when it is not: the memory
 * adapter answers synchronously, and a broadcast to a thousand sessions should not allocate a
 * thousand promises for that.
 */
export function andThen<T, R>(value: MaybePromise<T>, next: (value: T) => MaybePromise<R>): MaybePromise<R> {
  return value instanceof Promise ? value.then(next) : next(value);
}

/** Runs `task`; a synchronous throw becomes a rejected Promise so callers handle one failure path. */
export function attempt<T>(task: () => MaybePromise<T>): MaybePromise<T> {
  try {
    return task();
  } catch (error) {
    return Promise.reject(error);
  }
}

/** Reports a rejection of `value` (if it is a Promise) to `report`; nothing else. */
export function settle(value: MaybePromise<unknown>, report: (error: unknown) => void): void {
  if (value instanceof Promise) value.catch(report);
}
