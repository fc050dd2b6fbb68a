import type { BackoffOptions, ResolvedBackoff } from './backoff.js';
import { systemClock, type Clock } from './clock.js';
import type { Endpoint, ValueSource } from './endpoint.js';
import { browserEnvironment, type Environment } from './environment.js';
import type { FallbackMemoryOptions } from './fallback-memory.js';
import type { HeartbeatOptions, ResolvedHeartbeat } from './heartbeat.js';
import type { OutboxOptions, ResolvedOutbox } from './outbox.js';
import type { Logger } from '../logging/logger.js';
import type { RetryPolicy } from './retry.js';
import type { Platform } from '../transports/transport.js';

/** Connection policy: everything but the endpoints. Every option is optional; defaults are listed. */
export interface PolicyOptions {
  /** Reconnect delays and limits. */
  backoff?: BackoffOptions;
  /**
   * Decides each reconnect delay (or `false` to give up) from the attempt, the reason and the time
   * since the outage began; told what the built-in backoff would wait. The floors still hold
   * (`minDelayMs`, a server's `Retry-After`, waiting for `online`). @default the built-in backoff
   */
  retryPolicy?: RetryPolicy;
  /** An attempt that has not confirmed (first real frame) after this long is abandoned, in ms. @default 10000 */
  connectTimeoutMs?: number;
  /**
   * Staggered start: when an endpoint has not confirmed after this long, the next one starts in
   * parallel and the first to confirm wins (a hung upgrade moves to SSE within this + one connect), in ms.
   * @default 1000
   */
  fallbackDelayMs?: number;
  /**
   * Two connections in a row that die this soon after confirming count as a flap of their endpoint:
   * the next attempt starts with the next endpoint (proxies that accept an upgrade and then kill it).
   * One early death alone (a drop, a server restart) keeps the endpoint, in ms.
   * @default 1500
   */
  minStableMs?: number;
  /** While connected on a worse endpoint, the better one is probed in the background after this long (doubling after each failed probe or flap), in ms; `Infinity` never probes. @default 60000 */
  reprobeAfterMs?: number;
  /** Remember the winning endpoint per endpoint list (origin), or `false`. @default { ttlMs: 600000 } in `localStorage` */
  fallbackMemory?: FallbackMemoryOptions | false;
  /** Liveness watch, or `false` to turn it off everywhere. */
  heartbeat?: HeartbeatOptions | false;
  /** Limits of the messages waiting to be sent. */
  outbox?: OutboxOptions;
  /** Default `emitWithAck` timeout (per call: `client.timeout(ms)`), in ms; may be `Infinity`. @default 10000 */
  ackTimeoutMs?: number;
  /** A tab visible again after being hidden this long reconnects at once instead of waiting out its backoff, in ms. @default 5000 */
  retryOnVisibleAfterHiddenMs?: number;
  /** Query parameters added to every endpoint's URL (a function is called per attempt: fresh tokens). @default none */
  query?: ValueSource<Record<string, string>>;
  /** HTTP headers for every endpoint that can send them (not WebSocket); a function is called per attempt. @default none */
  headers?: ValueSource<Record<string, string>>;
  /** Platform classes (`WebSocket`, `EventSource`, `fetch`). @default the globals */
  platform?: Platform;
  /** Time source for every timer and deadline. @default the system clock */
  clock?: Clock;
  /** Random numbers in [0, 1) for jitter. @default Math.random */
  random?: () => number;
  /** Browser lifecycle signals (online, visibilitychange, pageshow). @default the page's own events */
  environment?: Environment;
  /** Connect at creation (in a microtask, so lifecycle listeners added right away see everything). @default true */
  autoConnect?: boolean;
  /**
   * A trace of the connection's decisions (attempts, fallback, heartbeat, resume, outbox):
   * `logger: createLogger()` writes one line per lifecycle event to `console.debug`. Code an app does
   * not import is not in its bundle. @default none (silent)
   */
  logger?: Logger;
}

/** Options of `createClient`. */
export interface ClientOptions extends PolicyOptions {
  /** Where to connect, best first; unsupported ones are skipped. */
  endpoints: readonly Endpoint[];
}

export interface ResolvedOptions {
  endpoints: readonly Endpoint[];
  backoff: ResolvedBackoff;
  retryPolicy: RetryPolicy | undefined;
  connectTimeoutMs: number;
  fallbackDelayMs: number;
  minStableMs: number;
  reprobeAfterMs: number;
  fallbackMemory: (FallbackMemoryOptions & { ttlMs: number }) | false;
  heartbeat: ResolvedHeartbeat | false;
  outbox: ResolvedOutbox;
  ackTimeoutMs: number;
  retryOnVisibleAfterHiddenMs: number;
  query: ValueSource<Record<string, string>> | undefined;
  headers: ValueSource<Record<string, string>> | undefined;
  platform: Platform;
  clock: Clock;
  random: () => number;
  environment: Environment;
  autoConnect: boolean;
  logger: Logger | undefined;
}

// Option checking, shared with `socketio()`: every bad option throws a TypeError naming the option,
// synchronously, when the client or endpoint is built (DESIGN.md principle 8).

/** An option that is not a group: what it must be (the end of the error message), its test, its default. */
export type Rule = readonly [expected: string, ok: (value: unknown) => unknown, fallback?: unknown];

export const isFunction = (value: unknown): boolean => typeof value == 'function';
const isObject = (value: unknown): value is Record<string, unknown> => typeof value == 'object' && value !== null && !Array.isArray(value);
/** Duck typing of the injectable services: these members must be functions. */
const withMethods = (expected: string, methods: string, fallback?: unknown): Rule => [
  expected,
  (value) => methods.split(' ').every((name) => isFunction((value as Record<string, unknown> | null)?.[name])),
  fallback,
];
/** A boolean option. */
export const boolean = (fallback: boolean): Rule => ['a boolean', (value) => typeof value == 'boolean', fallback];
/** A plain object (not an array) or a function. */
export const objectOrFunction: Rule = ['an object or a function', (value) => isFunction(value) || isObject(value)];

/**
 * A number within `bounds`, written as the error message says them and read back here: `>= n` or
 * `> n`, then `and <= 1` caps it at 1 and `(or Infinity)` allows Infinity; otherwise it is finite.
 */
function number(fallback: number, bounds = '>= 0'): Rule {
  const min = parseFloat(bounds.slice(2));
  const max = bounds.includes('<') ? 1 : bounds.includes('I') ? Infinity : Number.MAX_VALUE;
  return [`a number ${bounds}`, (value) => typeof value == 'number' && (bounds[1] == '=' ? value >= min : value > min) && value <= max, fallback];
}

// The options with their rules and defaults (justified in the JSDoc of each option); nested objects
// are the option groups, `undefined` takes anything.
const OPTIONS = {
  backoff: {
    initialDelayMs: number(100),
    windowMs: number(500),
    maxDelayMs: number(5000),
    minDelayMs: number(50, '> 0'),
    jitter: number(0.5, '>= 0 and <= 1'),
    maxAttempts: number(Infinity, '>= 1 (or Infinity)'),
    stableAfterMs: number(5000),
    suspendAfterMs: number(120_000, '>= 0 (or Infinity)'),
    suspendedDelayMs: number(30_000),
  },
  retryPolicy: ['a function', isFunction] as Rule,
  connectTimeoutMs: number(10_000, '>= 1'),
  fallbackDelayMs: number(1000),
  minStableMs: number(1500),
  reprobeAfterMs: number(60_000, '>= 1 (or Infinity)'),
  fallbackMemory: { ttlMs: number(600_000), storage: withMethods('a Storage', 'getItem') },
  heartbeat: { intervalMs: number(20_000, '>= 1'), timeoutMs: number(3000) },
  outbox: {
    maxMessages: number(1000, '>= 1 (or Infinity)'),
    maxBytes: number(1 << 20, '>= 1 (or Infinity)'),
    overflow: ["'reject-new' or 'drop-oldest'", (value) => value === 'reject-new' || value === 'drop-oldest', 'reject-new'] as Rule,
  },
  ackTimeoutMs: number(10_000, '>= 0 (or Infinity)'),
  retryOnVisibleAfterHiddenMs: number(5000),
  platform: { WebSocket: undefined, EventSource: undefined, fetch: undefined },
  endpoints: undefined,
  query: objectOrFunction,
  headers: objectOrFunction,
  clock: withMethods('a Clock', 'now setTimeout', systemClock),
  // `Math.random` is looked up at each draw, so one stubbed after this module loaded is still used.
  random: ['a function', isFunction, () => Math.random()] as Rule,
  environment: withMethods('an Environment', 'subscribe', browserEnvironment),
  autoConnect: boolean(true),
  logger: ['a function', isFunction] as Rule,
};

/** Throws `TypeError('unisocket: option "name" must be expected, got value')`. */
export function fail(name: string, expected: string, value: unknown): never {
  throw new TypeError(`unisocket: option "${name}" must be ${expected}, got ${typeof value == 'string' ? JSON.stringify(value) : String(value)}`);
}

/** `value` if it passes `rule`, else a TypeError naming the option. */
export const check = (name: string, [expected, ok]: Rule, value: unknown): unknown => (ok(value) ? value : fail(name, expected, value));

/** `given` checked against `options` (unknown names, groups, rules), with the defaults filled in. */
export function checkOptions(given: unknown, options: Record<string, unknown>, prefix = ''): Record<string, unknown> {
  if (!isObject(given)) fail(prefix.slice(0, -1) || 'options', 'an object', given);
  for (const key in given) if (!Object.hasOwn(options, key)) throw new TypeError(`unisocket: unknown option "${prefix + key}"`);
  const checked: Record<string, unknown> = {};
  for (const key in options) {
    const option = options[key];
    const value = given[key];
    // A rule, a group (`heartbeat: false` and `fallbackMemory: false` turn theirs off), or anything.
    checked[key] = Array.isArray(option)
      ? value === undefined ? option[2] : check(prefix + key, option as unknown as Rule, value)
      : option
        ? value === false && /^(heartbeat|fallbackMemory)$/.test(key) ? false : checkOptions(value ?? {}, option as Record<string, unknown>, prefix + key + '.')
        : value;
  }
  return checked;
}

/** Validates `createClient` options synchronously, naming the bad option in a `TypeError`, and fills in the defaults. */
export function resolveOptions(options: ClientOptions): ResolvedOptions {
  const resolved = checkOptions(options, OPTIONS) as unknown as ResolvedOptions;
  const { endpoints, backoff } = resolved;
  if (!(Array.isArray(endpoints) && endpoints.length)) fail('endpoints', 'a non-empty array', endpoints);
  endpoints.forEach((endpoint, i) => check(`endpoints[${i}]`, withMethods('an endpoint', 'createTransport'), endpoint));
  if (backoff.maxDelayMs < backoff.minDelayMs) fail('backoff.maxDelayMs', `>= backoff.minDelayMs (${backoff.minDelayMs})`, backoff.maxDelayMs);
  return resolved;
}

/** Checks a per-call `timeout(ms)` (the rule of `ackTimeoutMs`). */
export const checkTimeout = (ms: unknown): number => check('timeout', OPTIONS.ackTimeoutMs, ms) as number;
