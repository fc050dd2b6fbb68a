import type { Clock, TimerHandle } from './clock.js';

/**
 * The wait before the next round of attempts. Skipping it (online, visible again, `connect()` while
 * reconnecting) still keeps `minDelayMs` since the last round started: never a zero-delay loop.
 */
export interface RoundTimer {
  /** Starts a round from endpoint `first` after `delayMs` (at once when it is not positive), replacing any waiting one. */
  schedule(first: number, delayMs: number): void;
  /** Starts the waiting round now, or as soon as the floor allows; nothing when no round waits. */
  hurry(): void;
  stop(): void;
}

export function createRoundTimer(clock: Clock, minDelayMs: number, start: (first: number) => void): RoundTimer {
  let timer: TimerHandle | undefined;
  let from = 0;
  let lastRoundAt = -Infinity;
  const stop = () => {
    clock.clearTimeout(timer);
    timer = undefined;
  };
  const run = () => {
    timer = undefined;
    lastRoundAt = clock.now();
    start(from);
  };
  const schedule = (first: number, delayMs: number) => {
    stop();
    from = first;
    if (delayMs > 0) timer = clock.setTimeout(run, delayMs);
    else run();
  };
  return {
    schedule,
    hurry: () => timer !== undefined && schedule(from, lastRoundAt + minDelayMs - clock.now()),
    stop,
  };
}
