import { describe, expect, it } from 'vitest';
import { connectionFailure, failure, type Failure } from '../../../src/core/classify.js';
import { ConnectionError } from '../../../src/core/errors.js';
import { decideRetry, type RetryContext, type RetryInput } from '../../../src/core/retry.js';
import { resolveOptions } from '../../../src/core/options.js';
import { createFakeEndpoint } from '../../../src/testing/fake-transport.js';

const backoff = resolveOptions({ endpoints: [createFakeEndpoint()] }).backoff;
const half = () => 0.5;

const network = connectionFailure('network', 'lost');
const denied: Failure = { reason: 'http-status', error: new ConnectionError('unauthorized', 'HTTP 401', { status: 401 }), terminal: true };
const notFound: Failure = { reason: 'http-status', error: new ConnectionError('http-status', 'HTTP 404', { status: 404 }), terminal: true };
const busy: Failure = { ...network, retryAfterMs: 3000 };
const input = (over: Partial<RetryInput>): RetryInput => ({ failure: network, attempt: 1, outageMs: 0, offline: false, refreshable: false, deniedBefore: false, ...over });

describe('decideRetry: whether and when', () => {
  // [case, input, expected: 'stop' with the failure's reason / error code, or the delay and flags]
  const table: [string, Partial<RetryInput>, { stop: string } | { delayMs: number; suspended?: boolean; offline?: boolean; refresh?: boolean }][] = [
    ['a network failure: the first window', {}, { delayMs: 87.5 }],
    ['the third round of a young outage: the 500 ms window', { attempt: 3, outageMs: 800 }, { delayMs: 50 + 0.75 * 450 }],
    ['the server asked for 3 s', { failure: busy }, { delayMs: 3000 }],
    ['an outage of 2 min: suspended', { attempt: 30, outageMs: 120_000 }, { delayMs: 50 + 0.75 * 29_950, suspended: true }],
    ['offline: the safety probe', { offline: true }, { delayMs: 50 + 0.75 * 29_950, offline: true }],
    ['a terminal failure stops', { failure: notFound }, { stop: 'http-status' }],
    ['denied, static credentials: stops', { failure: denied }, { stop: 'unauthorized' }],
    ['denied, credentials from functions: once more at once, asking them again', { failure: denied, refreshable: true }, { delayMs: 50, refresh: true }],
    ['denied again after fresh credentials: stops', { failure: denied, refreshable: true, deniedBefore: true }, { stop: 'unauthorized' }],
    ['denied while offline: asks again once online', { failure: denied, refreshable: true, offline: true }, { delayMs: 50 + 0.75 * 29_950, offline: true, refresh: true }],
  ];
  it.each(table)('%s', (_case, over, expected) => {
    const decision = decideRetry(input(over), backoff, half);
    if ('stop' in expected) {
      expect(decision.stop?.error?.code).toBe(expected.stop);
      expect(decision.stop?.terminal).toBe(true);
    } else {
      expect(decision).toEqual({ delayMs: expected.delayMs, suspended: expected.suspended ?? false, offline: expected.offline ?? false, refresh: expected.refresh ?? false });
    }
  });

  it('stops with max-attempts after backoff.maxAttempts', () => {
    const limited = { ...backoff, maxAttempts: 3 };
    expect(decideRetry(input({ attempt: 3 }), limited, half).stop).toBeUndefined();
    expect(decideRetry(input({ attempt: 4 }), limited, half).stop).toMatchObject({ reason: 'max-attempts', error: { message: 'gave up after 3 attempts' } });
  });
});

describe('decideRetry with a retry policy', () => {
  it('is told the attempt, reason, error, time so far and the built-in delay, and its answer is the delay', () => {
    const seen: RetryContext[] = [];
    const decision = decideRetry(input({ attempt: 4, outageMs: 1500 }), backoff, half, (context) => (seen.push(context), 1234));
    expect(seen).toEqual([{ attempt: 4, reason: 'network', error: network.error, elapsedMs: 1500, delayMs: 50 + 0.75 * 450, suspended: false, offline: false }]);
    expect(decision).toMatchObject({ delayMs: 1234 });
  });

  it('gives up when it answers false', () => {
    expect(decideRetry(input({ attempt: 5 }), backoff, half, () => false).stop).toMatchObject({
      reason: 'max-attempts',
      terminal: true,
      error: { code: 'max-attempts', message: 'the retry policy gave up after 4 attempts' },
    });
  });

  it.each([
    ['0: the floor still holds', 0, 50],
    ['below the server’s Retry-After: the server wins', 100, 3000],
  ])('answers %s', (_case, answer, delayMs) => {
    const over = answer == 0 ? {} : { failure: busy };
    expect(decideRetry(input(over), backoff, half, () => answer)).toMatchObject({ delayMs });
  });

  it('keeps the built-in delay when it answers what is not a delay (no zero-delay loop from a bug)', () => {
    for (const answer of [NaN, -5, undefined, '100', null]) {
      expect(decideRetry(input({}), backoff, half, () => answer as never)).toMatchObject({ delayMs: 87.5 });
    }
  });

  it('cannot start an attempt while offline, nor skip a terminal failure', () => {
    expect(decideRetry(input({ offline: true }), backoff, half, () => 10)).toMatchObject({ delayMs: 50 + 0.75 * 29_950, offline: true });
    expect(decideRetry(input({ failure: notFound }), backoff, half, () => 10).stop).toBe(notFound);
    expect(decideRetry(input({ failure: failure('server-closed', new ConnectionError('server-closed', 'bye'), true) }), backoff, half, () => 10).stop).toBeDefined();
  });
});
