import { describe, expect, it, vi } from 'vitest';
import { createClient } from '../../../src/core/client.js';
import { connect } from '../../../src/connect.js';
import { connectSocketIo } from '../../../src/socketio/connect.js';
import { createFakeEndpoint } from '../../../src/testing/fake-transport.js';
import { resolveOptions, type ClientOptions } from '../../../src/core/options.js';

const endpoints = [createFakeEndpoint()];
const build = (options: Record<string, unknown>) => () => createClient({ endpoints, autoConnect: false, ...options } as ClientOptions);

describe('options', () => {
  it.each([
    [{ backoff: { maxDelayMs: -1 } }, 'backoff.maxDelayMs', 'must be a number >= 0, got -1'],
    [{ backoff: { minDelayMs: 0 } }, 'backoff.minDelayMs', 'must be a number > 0'],
    [{ backoff: { windowMs: -1 } }, 'backoff.windowMs', '>= 0'],
    [{ backoff: { suspendAfterMs: -1 } }, 'backoff.suspendAfterMs', '>= 0 (or Infinity)'],
    [{ backoff: { suspendedDelayMs: Infinity } }, 'backoff.suspendedDelayMs', '>= 0'],
    [{ retryPolicy: {} }, 'retryPolicy', 'a function'],
    [{ backoff: { jitter: 2 } }, 'backoff.jitter', '<= 1'],
    [{ backoff: { maxAttempts: 0 } }, 'backoff.maxAttempts', '>= 1'],
    [{ backoff: { maxDelayMs: 10, minDelayMs: 20 } }, 'backoff.maxDelayMs', '>= backoff.minDelayMs'],
    [{ backoff: { initialDelay: 5 } }, 'backoff.initialDelay', 'unknown option'],
    [{ connectTimeoutMs: '10s' }, 'connectTimeoutMs', 'got "10s"'],
    [{ fallbackDelayMs: NaN }, 'fallbackDelayMs', 'got NaN'],
    [{ heartbeat: { timeoutMs: -5 } }, 'heartbeat.timeoutMs', '>= 0'],
    [{ heartbeat: true }, 'heartbeat', 'an object'],
    [{ outbox: { maxMessages: 0 } }, 'outbox.maxMessages', '>= 1'],
    [{ outbox: { overflow: 'drop-newest' } }, 'outbox.overflow', `'reject-new' or 'drop-oldest'`],
    [{ ackTimeoutMs: -1 }, 'ackTimeoutMs', '>= 0'],
    [{ reprobeAfterMs: 0 }, 'reprobeAfterMs', '>= 1'],
    [{ fallbackMemory: { storage: 5 } }, 'fallbackMemory.storage', 'a Storage'],
    [{ clock: { now: 1 } }, 'clock', 'a Clock'],
    [{ random: 0.5 }, 'random', 'a function'],
    [{ environment: {} }, 'environment', 'an Environment'],
    [{ autoConnect: 'yes' }, 'autoConnect', 'a boolean'],
    [{ query: 'a=b' }, 'query', 'an object or a function'],
    [{ platform: { XMLHttpRequest: 1 } }, 'platform.XMLHttpRequest', 'unknown option'],
    [{ reconnect: true }, 'reconnect', 'unknown option'],
    [{ endpoints: [] }, 'endpoints', 'a non-empty array'],
    [{ endpoints: [{}] }, 'endpoints[0]', 'an endpoint'],
  ])('throws a TypeError naming the option for %j', (options, name, detail) => {
    expect(build(options)).toThrowError(TypeError);
    expect(build(options)).toThrowError(`option "${name}"`);
    expect(build(options)).toThrowError(detail);
  });

  it('formats the message as the lead specified', () => {
    expect(build({ backoff: { maxDelayMs: -1 } })).toThrowError('unisocket: option "backoff.maxDelayMs" must be a number >= 0, got -1');
  });

  it('rejects names inherited from Object.prototype as unknown options', () => {
    expect(build({ constructor: 1 })).toThrowError('unknown option "constructor"');
    expect(build({ backoff: { toString: 1 } })).toThrowError('unknown option "backoff.toString"');
  });

  it('turns heartbeat and the fallback memory off with false, but no other group', () => {
    const resolved = resolveOptions({ endpoints, heartbeat: false, fallbackMemory: false });
    expect(resolved.heartbeat).toBe(false);
    expect(resolved.fallbackMemory).toBe(false);
    expect(build({ outbox: false })).toThrowError('option "outbox" must be an object, got false');
  });

  it('keeps the given services and draws from Math.random by default', () => {
    const clock = { now: () => 0, setTimeout: () => 0, clearTimeout: () => undefined };
    expect(resolveOptions({ endpoints, clock }).clock).toBe(clock);
    const random = vi.spyOn(Math, 'random').mockReturnValue(0.25);
    try {
      expect(resolveOptions({ endpoints }).random()).toBe(0.25);
    } finally {
      random.mockRestore();
    }
  });

  it('fills in the documented defaults', () => {
    const resolved = resolveOptions({ endpoints });
    expect(resolved).toMatchObject({
      backoff: {
        initialDelayMs: 100,
        windowMs: 500,
        maxDelayMs: 5000,
        minDelayMs: 50,
        jitter: 0.5,
        maxAttempts: Infinity,
        stableAfterMs: 5000,
        suspendAfterMs: 120_000,
        suspendedDelayMs: 30_000,
      },
      retryPolicy: undefined,
      connectTimeoutMs: 10_000,
      fallbackDelayMs: 1000,
      minStableMs: 1500,
      reprobeAfterMs: 60_000,
      fallbackMemory: { ttlMs: 600_000 },
      heartbeat: { intervalMs: 20_000, timeoutMs: 3000 },
      outbox: { maxMessages: 1000, maxBytes: 1048576, overflow: 'reject-new' },
      ackTimeoutMs: 10_000,
      retryOnVisibleAfterHiddenMs: 5000,
      autoConnect: true,
    });
  });

  it('accepts Infinity where it means "never"', () => {
    expect(build({ ackTimeoutMs: Infinity, reprobeAfterMs: Infinity, backoff: { maxAttempts: Infinity } })).not.toThrow();
    expect(build({ connectTimeoutMs: Infinity })).toThrowError('option "connectTimeoutMs"');
  });

  it('rejects a bad per-call timeout and signal at the call', () => {
    const client = createClient({ endpoints, autoConnect: false });
    expect(() => client.timeout(-1)).toThrowError('option "timeout"');
    expect(() => client.withSignal({} as AbortSignal)).toThrowError('option "signal"');
  });

  it('connect() and connectSocketIo() check their options at once', () => {
    expect(connectSocketIo('http://localhost:1/', { autoConnect: false }).state.status).toBe('idle');
    expect(() => connectSocketIo('http://localhost:1/', { eio: 5 as 4, autoConnect: false })).toThrowError('option "eio"');
    expect(() => connectSocketIo('http://localhost:1/', { backoff: { jitter: 2 }, autoConnect: false })).toThrowError('option "backoff.jitter"');
    expect(() => connect('http://localhost:1/', { protocol: 'socket.io', autoConnect: false } as object)).toThrowError('unknown option "protocol"');
    expect(() => connect('http://localhost:1/', { backoff: { windowMs: -1 }, autoConnect: false })).toThrowError('option "backoff.windowMs"');
    expect(() => connect('http://localhost:1/', { retryPolicy: 5 as never, autoConnect: false })).toThrowError('option "retryPolicy" must be a function');
  });
});
