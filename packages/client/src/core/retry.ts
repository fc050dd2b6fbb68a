import { backoffDelay, type ResolvedBackoff } from './backoff.js';
import { connectionFailure, type Failure } from './classify.js';
import type { UnisocketError } from './errors.js';
import type { Endpoint } from './endpoint.js';
import type { DisconnectReason } from './state.js';

/** What a {@link RetryPolicy} is told before each reconnect attempt. */
export interface RetryContext {
  /** The attempt about to be scheduled: 1 for the first after a loss. */
  readonly attempt: number;
  /** Why the last attempt (or the connection) ended. */
  readonly reason: DisconnectReason;
  readonly error: UnisocketError | undefined;
  /** Time since the first failure of this outage, in ms. */
  readonly elapsedMs: number;
  /** What the built-in backoff would wait (see `backoff`), in ms. */
  readonly delayMs: number;
  /** The outage has lasted `backoff.suspendAfterMs`: the client is `suspended`. */
  readonly suspended: boolean;
  /** The browser says it is offline: the attempt waits for `online` anyway (the delay is then the safety probe's). */
  readonly offline: boolean;
}

/**
 * Decides the delay before each reconnect attempt, in ms, or `false` to give up (terminal, reason
 * `max-attempts`). The floors still apply: never below `backoff.minDelayMs` nor below a delay the
 * server asked for (`Retry-After`, SSE `retry:`), and no attempt while the browser says it is offline.
 */
export type RetryPolicy = (context: RetryContext) => number | false;

/** What the retry decision needs to know. */
export interface RetryInput {
  failure: Failure;
  /** The attempt about to be scheduled, 1-based. */
  attempt: number;
  /** Since the first failure of this outage, in ms. */
  outageMs: number;
  offline: boolean;
  /** Credentials come from functions asked on every attempt (`query`, `headers`, `auth`, the URL): a refused one can be replaced. */
  refreshable: boolean;
  /** A denial happened since the connection was last stable: the credential asked for after it was refused too. */
  deniedBefore: boolean;
}

export type RetryDecision =
  | { stop: Failure }
  | {
      stop?: undefined;
      delayMs: number;
      suspended: boolean;
      offline: boolean;
      /** The credentials were refused: the next attempt asks the functions for fresh ones (reason `unauthorized`). */
      refresh: boolean;
    };

/** The wait before a safety probe while the browser says it is offline: within the suspended window. */
export const offlineProbeDelay = (backoff: ResolvedBackoff, random: () => number): number => backoffDelay(0, backoff, random, 0, Infinity);

/** Whether credentials come from functions asked on every attempt (`query`, `headers`, an endpoint's URL, query or headers): a refused one can be replaced. */
export const refreshableCredentials = ({ query, headers, endpoints }: { query: unknown; headers: unknown; endpoints: readonly Endpoint[] }): boolean =>
  [query, headers, ...endpoints.flatMap((endpoint) => [endpoint.url, endpoint.query, endpoint.headers])].some((source) => typeof source == 'function');

/** A failure that says the credentials were refused (HTTP 401/403, close codes 1008/4401/4403, a Socket.IO connect_error). */
export const isDenied = (failure: Failure): boolean => failure.error?.code == 'unauthorized';

/**
 * Whether and when to try again after `failure` (a pure function: `random` and `policy` are injected):
 * - a denial (expired token) is retried once at once when the credentials come from functions, which
 *   are asked again (with the reason); terminal when there are none to ask, or when the fresh one is refused too;
 * - any other terminal failure stops; so does `backoff.maxAttempts`, or the policy returning `false`;
 * - otherwise the backoff delay (or the policy's), never below `minDelayMs` nor the server's `retryAfterMs`;
 * - while the browser says offline, no sooner than a safety probe within `suspendedDelayMs` (`online` starts the attempt at once).
 */
export function decideRetry(input: RetryInput, backoff: ResolvedBackoff, random: () => number, policy?: RetryPolicy): RetryDecision {
  const { failure, attempt, outageMs, offline } = input;
  const { minDelayMs, maxAttempts } = backoff;
  const suspended = outageMs >= backoff.suspendAfterMs;
  // Past here a terminal failure is a denial whose credentials can be asked for again: retried once, at once.
  const refresh = failure.terminal;
  if (refresh && !(isDenied(failure) && input.refreshable && !input.deniedBefore)) return { stop: failure };
  let delayMs = minDelayMs;
  const giveUp = (why: string) => ({ stop: connectionFailure('max-attempts', why, { cause: failure.error }, true) });
  if (!refresh) {
    if (attempt > maxAttempts) return giveUp(`gave up after ${maxAttempts} attempts`);
    delayMs = backoffDelay(attempt - 1, backoff, random, 0, outageMs);
    const chosen = policy?.({ attempt, reason: failure.reason, error: failure.error, elapsedMs: outageMs, delayMs, suspended, offline });
    if (chosen === false) return giveUp(`the retry policy gave up after ${attempt - 1} attempts`);
    // Anything but a number >= 0 keeps the built-in delay (a policy's bug must not become a zero-delay loop).
    if (typeof chosen == 'number' && chosen >= 0) delayMs = chosen;
    delayMs = Math.max(delayMs, minDelayMs, failure.retryAfterMs ?? 0);
  }
  return { delayMs: offline ? Math.max(delayMs, offlineProbeDelay(backoff, random)) : delayMs, suspended, offline, refresh };
}
