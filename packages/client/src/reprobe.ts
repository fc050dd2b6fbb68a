import type { Attempt } from './attempt.js';
import type { Clock, TimerHandle } from './clock.js';

/**
 * The background re-probe: while connected on a worse endpoint, the best supported one is tried
 * again after `afterMs` (`Infinity`: never), the wait doubling (up to 32×) after each failed probe or
 * flap. A probe that confirms takes the session over (the Connection's hand-over).
 */
export interface Reprobe {
  /** Plans a probe of endpoint `best` while `connection` is current, replacing any planned one; none when it is on `best` or better. */
  plan(connection: Attempt | undefined, best: number): void;
  /** A probe failed, or the connection flapped: wait twice as long next time. */
  backOff(): void;
  /** Back to waiting `afterMs` (a new `connect()`). */
  reset(): void;
  stop(): void;
}

/** `launch(connection, best)` starts the probe; it checks that `connection` is still the current one. */
export function createReprobe(clock: Clock, afterMs: number, launch: (connection: Attempt, best: number) => void): Reprobe {
  let timer: TimerHandle;
  let delayMs = afterMs;
  const stop = () => clock.clearTimeout(timer);
  return {
    plan(connection, best) {
      stop();
      if (connection && connection.index > best && afterMs < Infinity) timer = clock.setTimeout(() => launch(connection, best), delayMs);
    },
    backOff: () => void (delayMs = Math.min(delayMs * 2, afterMs * 32)),
    reset: () => void (delayMs = afterMs),
    stop,
  };
}
