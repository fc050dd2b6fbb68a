import type { Clock } from '../core/clock.js';

/** A {@link Clock} driven by hand, for tests: no real time passes. */
export interface FakeClock extends Clock {
  /** Moves time forward by `ms`, firing every timer that falls due, in order, each at its own time. */
  advance(ms: number): void;
  /**
   * Moves `now()` forward without firing any timer: what a throttled background tab sees. The late
   * timers fire on the next `advance` (even `advance(0)`).
   */
  jump(ms: number): void;
  /** Timers not yet fired. */
  readonly pending: number;
}

interface Timer {
  id: number;
  at: number;
  callback: () => void;
}

export function createFakeClock(start = 0): FakeClock {
  let now = start;
  let lastId = 0;
  let timers: Timer[] = [];
  const due = (until: number) =>
    timers.filter((timer) => timer.at <= until).sort((a, b) => a.at - b.at || a.id - b.id)[0];
  return {
    now: () => now,
    setTimeout(callback, ms) {
      const timer = { id: ++lastId, at: now + Math.max(0, ms), callback };
      timers.push(timer);
      return timer.id;
    },
    clearTimeout(handle) {
      timers = timers.filter((timer) => timer.id !== handle);
    },
    advance(ms) {
      const until = now + ms;
      for (let timer = due(until); timer; timer = due(until)) {
        timers = timers.filter((t) => t !== timer);
        now = Math.max(now, timer.at);
        timer.callback();
      }
      now = until;
    },
    jump(ms) {
      now += ms;
    },
    get pending() {
      return timers.length;
    },
  };
}
