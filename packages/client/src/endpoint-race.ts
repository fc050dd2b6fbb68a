import type { Failure } from './classify.js';
import type { Clock, TimerHandle } from './clock.js';
import type { FallbackReason } from './lifecycle.js';

/** The endpoints of one round, in the order to try: `first`, then the others in list order, supported ones only. */
export function raceOrder(first: number, supported: readonly boolean[]): number[] {
  return [first, ...supported.keys()].filter((index, position) => supported[index] && (position === 0 || index !== first));
}

/**
 * One round of attempts over the endpoints (staggered fallback): the first starts at once; the next
 * starts when the previous one fails, or after `delayMs` if nothing has confirmed by then, while the
 * previous one keeps trying. The Connection declares the winner and stops the race.
 */
export interface EndpointRace {
  /** The worst failure so far: a terminal one wins over the others. */
  readonly failure: Failure | undefined;
  /** Starts the next endpoint; false when none is left. */
  advance(reason?: FallbackReason): boolean;
  /** An attempt of this round failed: remember why and move on to the next endpoint at once. */
  failed(failure: Failure): boolean;
  stop(): void;
}

/** `launch` starts endpoint `index`; `from`/`reason` are set when it replaces an earlier one. */
export function createEndpointRace(
  order: readonly number[],
  clock: Clock,
  delayMs: number,
  launch: (index: number, from: number | undefined, reason: FallbackReason | undefined) => void,
): EndpointRace {
  let next = 0;
  let timer: TimerHandle;
  let failure: Failure | undefined;
  const advance = (reason?: FallbackReason): boolean => {
    clock.clearTimeout(timer);
    const index = order[next++];
    if (index === undefined) return false;
    if (next < order.length) timer = clock.setTimeout(() => advance('fallback-delay'), delayMs);
    launch(index, order[next - 2], reason);
    return true;
  };
  return {
    get failure() {
      return failure;
    },
    advance,
    failed(reason) {
      if (!failure?.terminal) failure = reason;
      return advance(reason.reason);
    },
    stop: () => clock.clearTimeout(timer),
  };
}
