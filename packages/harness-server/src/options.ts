import type { HarnessOptions } from './context.js';
import { isOriginPattern } from './control-access.js';

/** Defaults when the harness is started from code (`startHarness`); the CLI defaults the port to 8080. */
export function defaultHarnessOptions(): HarnessOptions {
  return {
    port: 0,
    host: '127.0.0.1',
    testControls: false,
    controlOrigins: [],
    sseMaxAgeSeconds: 25,
    maxFrameBytes: 1024 * 1024,
    heartbeatMs: 5000,
    maxBufferedBytes: 2 * 1024 * 1024,
    sseCommentMs: 10_000,
    sseMaxChannels: 256,
    sseChannelBytes: 256 * 1024,
    sseChannelIdleMs: 300_000,
    testEventDelayMs: 4000,
    socketIoPingIntervalMs: 25_000,
    socketIoPingTimeoutMs: 20_000,
    log: (line) => process.stderr.write(`[harness] ${line}\n`),
  };
}

/** Fills in the defaults and rejects impossible values with a TypeError. */
export function resolveHarnessOptions(options: Partial<HarnessOptions> = {}): HarnessOptions {
  const defined = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
  const resolved: HarnessOptions = { ...defaultHarnessOptions(), ...defined };
  const check = (name: keyof HarnessOptions, ok: boolean, expected: string) => {
    if (!ok) throw new TypeError(`harness option ${name} must be ${expected}; got ${JSON.stringify(resolved[name])}`);
  };
  check('port', Number.isInteger(resolved.port) && resolved.port >= 0 && resolved.port <= 65535, 'an integer from 0 to 65535');
  check('host', typeof resolved.host === 'string' && resolved.host !== '', 'a non-empty string');
  check(
    'controlOrigins',
    Array.isArray(resolved.controlOrigins) && resolved.controlOrigins.every((origin) => typeof origin === 'string' && isOriginPattern(origin)),
    'a list of origins such as http://127.0.0.1:5173 or http://127.0.0.1:*',
  );
  check('sseMaxAgeSeconds', Number.isFinite(resolved.sseMaxAgeSeconds) && resolved.sseMaxAgeSeconds >= 0, 'a number >= 0');
  check('maxFrameBytes', Number.isInteger(resolved.maxFrameBytes) && resolved.maxFrameBytes > 0, 'a positive integer');
  check('heartbeatMs', Number.isInteger(resolved.heartbeatMs) && resolved.heartbeatMs > 0, 'a positive integer');
  check('maxBufferedBytes', Number.isInteger(resolved.maxBufferedBytes) && resolved.maxBufferedBytes > 0, 'a positive integer');
  check('sseCommentMs', Number.isInteger(resolved.sseCommentMs) && resolved.sseCommentMs >= 0, 'an integer >= 0');
  check('sseMaxChannels', Number.isInteger(resolved.sseMaxChannels) && resolved.sseMaxChannels > 0, 'a positive integer');
  check('sseChannelBytes', Number.isInteger(resolved.sseChannelBytes) && resolved.sseChannelBytes > 0, 'a positive integer');
  check('sseChannelIdleMs', Number.isInteger(resolved.sseChannelIdleMs) && resolved.sseChannelIdleMs >= 0, 'an integer >= 0');
  check('testEventDelayMs', Number.isInteger(resolved.testEventDelayMs), 'an integer');
  check('socketIoPingIntervalMs', Number.isInteger(resolved.socketIoPingIntervalMs) && (resolved.socketIoPingIntervalMs ?? 0) > 0, 'a positive integer');
  check('socketIoPingTimeoutMs', Number.isInteger(resolved.socketIoPingTimeoutMs) && (resolved.socketIoPingTimeoutMs ?? 0) > 0, 'a positive integer');
  check('redisUrl', resolved.redisUrl === undefined || (typeof resolved.redisUrl === 'string' && /^rediss?:\/\/./.test(resolved.redisUrl)), 'a redis:// or rediss:// URL');
  check('log', typeof resolved.log === 'function', 'a function');
  return resolved;
}
