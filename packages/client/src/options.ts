import type { BackoffOptions, ResolvedBackoff } from './backoff.js';
import { systemClock, type Clock } from './clock.js';
import type { Endpoint, ValueSource } from './endpoint.js';
import { browserEnvironment, type Environment } from './environment.js';
import type { FallbackMemoryOptions } from './fallback-memory.js';
import type { HeartbeatOptions, ResolvedHeartbeat } from './heartbeat.js';
import type { OutboxOptions, ResolvedOutbox } from './outbox.js';
import type { Platform } from './transports/transport.js';

/** Connection policy: everything but the endpoints. Every option is optional; defaults are listed. */
export interface PolicyOptions {
  /** Reconnect delays and limits. */
  backoff?: BackoffOptions;
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
}

/** Options of `createClient`. */
export interface ClientOptions extends PolicyOptions {
  /** Where to connect, best first; unsupported ones are skipped. */
  endpoints: readonly Endpoint[];
}

export interface ResolvedOptions {
  endpoints: readonly Endpoint[];
  backoff: ResolvedBackoff;
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
}

// The defaults, justified in the JSDoc of each option; the shape also tells which options exist.
// Nested objects are the option groups.
const DEFAULTS = {
  backoff: { initialDelayMs: 100, factor: 1.25, maxDelayMs: 5000, minDelayMs: 50, jitter: 1, maxAttempts: Infinity, stableAfterMs: 5000 },
  connectTimeoutMs: 10_000,
  fallbackDelayMs: 1000,
  minStableMs: 1500,
  reprobeAfterMs: 60_000,
  fallbackMemory: { ttlMs: 600_000, storage: undefined },
  heartbeat: { intervalMs: 20_000, timeoutMs: 3000 },
  outbox: { maxMessages: 1000, maxBytes: 1 << 20, overflow: 'reject-new' },
  ackTimeoutMs: 10_000,
  retryOnVisibleAfterHiddenMs: 5000,
  platform: { WebSocket: undefined, EventSource: undefined, fetch: undefined },
  endpoints: undefined,
  query: undefined,
  headers: undefined,
  clock: undefined,
  random: undefined,
  environment: undefined,
  autoConnect: true,
};
// Numbers are >= 0 and finite unless listed here.
const AT_LEAST_ONE = 'factor maxAttempts connectTimeoutMs reprobeAfterMs intervalMs maxMessages maxBytes'.split(' ');
const INFINITE = 'maxAttempts reprobeAfterMs maxMessages maxBytes ackTimeoutMs timeout'.split(' ');

function fail(name: string, expected: string, value: unknown): never {
  throw new TypeError(`unisocket: option "${name}" must be ${expected}, got ${typeof value == 'string' ? JSON.stringify(value) : String(value)}`);
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value == 'object' && value !== null && !Array.isArray(value);

/** Checks one numeric option (`key` picks its bounds). */
function number(path: string, key: string, value: unknown): number {
  const min = +AT_LEAST_ONE.includes(key);
  const positive = key == 'minDelayMs';
  const max = key == 'jitter' ? 1 : Infinity;
  const infinite = INFINITE.includes(key);
  if (typeof value != 'number' || !(positive ? value > 0 : value >= min) || value > max || (!infinite && value == Infinity)) {
    fail(path, `a number ${positive ? '>' : '>='} ${min}${max < Infinity ? ' and <= 1' : ''}${infinite ? ' (or Infinity)' : ''}`, value);
  }
  return value;
}

/** `given` over `defaults`, checked: unknown names, groups, numbers. */
function merge(given: unknown, defaults: Record<string, unknown>, prefix: string): Record<string, unknown> {
  if (!isObject(given)) fail(prefix.slice(0, -1) || 'options', 'an object', given);
  for (const key in given) if (!(key in defaults)) throw new TypeError(`unisocket: unknown option "${prefix + key}"`);
  const merged: Record<string, unknown> = {};
  for (const key in defaults) {
    const path = prefix + key;
    const fallback = defaults[key];
    const value = given[key];
    merged[key] = isObject(fallback)
      ? value === false && /^(heartbeat|fallbackMemory)$/.test(key) ? false : merge(value ?? {}, fallback, path + '.')
      : value === undefined ? fallback : typeof fallback == 'number' ? number(path, key, value) : value;
  }
  return merged;
}

/** Validates `createClient` options synchronously, naming the bad option in a `TypeError`, and fills in the defaults. */
export function resolveOptions(options: ClientOptions): ResolvedOptions {
  const resolved = merge(options, DEFAULTS, '') as unknown as ResolvedOptions;
  const { endpoints, backoff, outbox, fallbackMemory, clock = systemClock, environment = browserEnvironment, random = Math.random } = resolved;
  const expect = (ok: unknown, name: string, expected: string, value: unknown) => ok || fail(name, expected, value);
  expect(Array.isArray(endpoints) && endpoints.length, 'endpoints', 'a non-empty array', endpoints);
  endpoints.forEach((endpoint, i) => expect(typeof endpoint?.createTransport == 'function', `endpoints[${i}]`, 'an endpoint', endpoint));
  expect(backoff.maxDelayMs >= backoff.minDelayMs, 'backoff.maxDelayMs', `>= backoff.minDelayMs (${backoff.minDelayMs})`, backoff.maxDelayMs);
  expect(['reject-new', 'drop-oldest'].includes(outbox.overflow), 'outbox.overflow', `'reject-new' or 'drop-oldest'`, outbox.overflow);
  const storage = fallbackMemory ? fallbackMemory.storage : undefined;
  expect(storage === undefined || typeof storage?.getItem == 'function', 'fallbackMemory.storage', 'a Storage', storage);
  expect(typeof clock?.now == 'function' && typeof clock.setTimeout == 'function', 'clock', 'a Clock', clock);
  expect(typeof environment?.subscribe == 'function', 'environment', 'an Environment', environment);
  for (const name of ['query', 'headers'] as const) {
    const value = resolved[name];
    expect(value === undefined || typeof value == 'function' || isObject(value), name, 'an object or a function', value);
  }
  expect(typeof random == 'function', 'random', 'a function', random);
  expect(typeof resolved.autoConnect == 'boolean', 'autoConnect', 'a boolean', resolved.autoConnect);
  return { ...resolved, clock, environment, random };
}

/** Checks a per-call `timeout(ms)`. */
export const checkTimeout = (ms: unknown): number => number('timeout', 'timeout', ms);
