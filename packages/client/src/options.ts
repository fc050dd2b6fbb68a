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

// Every numeric option: [path, default, minimum, flags]; flags: 1 = Infinity allowed, 2 = must be > minimum,
// 4 = at most 1. The defaults are justified in the JSDoc of each option.
const NUMBERS: [string, number, number, number?][] = [
  ['backoff.initialDelayMs', 100, 0],
  ['backoff.factor', 1.25, 1],
  ['backoff.maxDelayMs', 5000, 0],
  ['backoff.minDelayMs', 50, 0, 2],
  ['backoff.jitter', 1, 0, 4],
  ['backoff.maxAttempts', Infinity, 1, 1],
  ['backoff.stableAfterMs', 5000, 0],
  ['connectTimeoutMs', 10_000, 1],
  ['fallbackDelayMs', 1000, 0],
  ['minStableMs', 1500, 0],
  ['reprobeAfterMs', 60_000, 1, 1],
  ['fallbackMemory.ttlMs', 600_000, 0],
  ['heartbeat.intervalMs', 20_000, 1],
  ['heartbeat.timeoutMs', 3000, 0],
  ['outbox.maxMessages', 1000, 1, 1],
  ['outbox.maxBytes', 1 << 20, 1, 1],
  ['ackTimeoutMs', 10_000, 0, 1],
  ['retryOnVisibleAfterHiddenMs', 5000, 0],
];
const GROUPS = ['backoff', 'fallbackMemory', 'heartbeat', 'outbox', 'platform'];
const KNOWN = NUMBERS.map(([path]) => path).concat(
  GROUPS,
  'endpoints query headers clock random environment autoConnect outbox.overflow fallbackMemory.storage platform.WebSocket platform.EventSource platform.fetch'.split(' '),
);

const describe = (value: unknown) => (typeof value === 'string' ? JSON.stringify(value) : String(value));

function fail(name: string, expected: string, value: unknown): never {
  throw new TypeError(`unisocket: option "${name}" must be ${expected}, got ${describe(value)}`);
}

function unknown(name: string): never {
  throw new TypeError(`unisocket: unknown option "${name}"`);
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Checks one numeric option; returns it or its default. */
function number(name: string, value: unknown, fallback: number, min: number, flags = 0): number {
  if (value === undefined) return fallback;
  const max = flags & 4 ? 1 : Infinity;
  if (typeof value !== 'number' || !(flags & 2 ? value > min : value >= min) || value > max || (!(flags & 1) && value === Infinity)) {
    fail(name, `a number ${flags & 2 ? '>' : '>='} ${min}${max < Infinity ? ` and <= ${max}` : ''}${flags & 1 ? ' (or Infinity)' : ''}`, value);
  }
  return value;
}

/** Validates `createClient` options synchronously, naming the bad option in a `TypeError`, and fills in the defaults. */
export function resolveOptions(options: ClientOptions): ResolvedOptions {
  if (!isObject(options)) fail('options', 'an object', options);
  const resolved: Record<string, unknown> = { ...options };
  const groups: Record<string, Record<string, unknown> | false> = {};
  const known = (path: string) => KNOWN.includes(path) || unknown(path);
  Object.keys(resolved).forEach(known);
  for (const group of GROUPS) {
    const value = resolved[group];
    if (value === false && (group === 'heartbeat' || group === 'fallbackMemory')) {
      groups[group] = false;
      continue;
    }
    if (value !== undefined && !isObject(value)) fail(group, 'an object', value);
    resolved[group] = groups[group] = { ...value };
    Object.keys(groups[group]).forEach((key) => known(`${group}.${key}`));
  }
  for (const [path, fallback, min, flags] of NUMBERS) {
    const [group, key] = path.split('.') as [string, string?];
    const target = key ? groups[group] : resolved;
    if (target) target[key ?? group] = number(path, target[key ?? group], fallback, min, flags);
  }
  const { endpoints, backoff, outbox, fallbackMemory, clock = systemClock, environment = browserEnvironment } = resolved as Partial<ResolvedOptions>;
  if (!Array.isArray(endpoints) || !endpoints.length) fail('endpoints', 'a non-empty array of endpoints', endpoints);
  endpoints.forEach((endpoint, i) => typeof endpoint?.createTransport !== 'function' && fail(`endpoints[${i}]`, 'an endpoint (websocket(), sse())', endpoint));
  if (backoff!.maxDelayMs < backoff!.minDelayMs) fail('backoff.maxDelayMs', `>= backoff.minDelayMs (${backoff!.minDelayMs})`, backoff!.maxDelayMs);
  const overflow = (outbox!.overflow ??= 'reject-new');
  if (overflow !== 'reject-new' && overflow !== 'drop-oldest') fail('outbox.overflow', `'reject-new' or 'drop-oldest'`, overflow);
  if (fallbackMemory && fallbackMemory.storage !== undefined && typeof fallbackMemory.storage?.getItem !== 'function') {
    fail('fallbackMemory.storage', 'a Storage (getItem, setItem)', fallbackMemory.storage);
  }
  if (typeof clock?.now !== 'function' || typeof clock.setTimeout !== 'function') fail('clock', 'a Clock (now, setTimeout, clearTimeout)', clock);
  if (typeof environment?.subscribe !== 'function') fail('environment', 'an Environment (subscribe)', environment);
  for (const name of ['query', 'headers'] as const) {
    const value = resolved[name];
    if (value !== undefined && typeof value !== 'function' && !isObject(value)) fail(name, 'an object or a function', value);
  }
  if (resolved.random !== undefined && typeof resolved.random !== 'function') fail('random', 'a function', resolved.random);
  if (resolved.autoConnect !== undefined && typeof resolved.autoConnect !== 'boolean') fail('autoConnect', 'a boolean', resolved.autoConnect);
  resolved.random ??= Math.random;
  resolved.autoConnect ??= true;
  return { ...resolved, clock, environment } as ResolvedOptions;
}

/** Checks a per-call `timeout(ms)`. */
export function checkTimeout(ms: unknown): number {
  return number('timeout', ms ?? NaN, 0, 0, 1);
}
