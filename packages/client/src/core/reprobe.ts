import type { Attempt } from './attempt.js';
import type { Clock, TimerHandle } from './clock.js';
import { probeBackoff, probeTarget } from './route.js';

/**
 * The background re-probe: while connected on a worse endpoint, the best supported one is tried again
 * after `reprobeAfterMs`, the wait doubling (up to 32×) after each failed probe or flap. A probe that
 * confirms takes the session over (the Connection does that). At most one probe is under way.
 */
export interface Reprobe {
  /** The probe under way (or the last one started). */
  readonly attempt: Attempt | undefined;
  /** Plans a probe for the connection on `current`, replacing any planned one; nothing when it is on the best endpoint. */
  plan(current: Attempt, supported: readonly boolean[]): void;
  /** A probe failed, or the connection flapped: wait twice as long next time. */
  backOff(): void;
  /** The connection is gone: nothing planned. */
  cancel(): void;
  /** A new `connect()`: the first wait again. */
  reset(): void;
}

/** `start(index)` launches an attempt on endpoint `index`; `isCurrent` says whether the probed connection is still the one. */
export function createReprobe(clock: Clock, reprobeAfterMs: number, start: (index: number) => Attempt, isCurrent: (attempt: Attempt) => boolean): Reprobe {
  let timer: TimerHandle;
  let delayMs = reprobeAfterMs;
  const reprobe: { attempt: Attempt | undefined } & Omit<Reprobe, 'attempt'> = {
    attempt: undefined,
    plan(current, supported) {
      clock.clearTimeout(timer);
      const target = probeTarget(current.index, supported, reprobeAfterMs);
      if (target !== undefined) timer = clock.setTimeout(() => isCurrent(current) && (reprobe.attempt = start(target)).open(), delayMs);
    },
    backOff: () => void (delayMs = probeBackoff(delayMs, reprobeAfterMs)),
    cancel: () => clock.clearTimeout(timer),
    reset: () => void (delayMs = reprobeAfterMs),
  };
  return reprobe;
}
