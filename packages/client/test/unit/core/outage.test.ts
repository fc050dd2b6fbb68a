import { describe, expect, it } from 'vitest';
import type { RetryContext } from '../../../src/index.js';
import { createFakeEnvironment } from '../../../src/testing/fake-environment.js';
import { setup, type Setup } from './helpers.js';

const single = { heartbeat: false as const };

/** Every round of a client on `[ws]` is refused until `until` (a fake clock time); returns the round start times. */
function refuseUntil(s: Setup, until: number): number[] {
  const starts: number[] = [];
  if (s.client.state.status == 'connecting') s.ws.last!.drop({ reason: 'refused' });
  while (s.clock.now() < until) {
    const before = s.ws.transports.length;
    const next = s.client.state.status == 'reconnecting' || s.client.state.status == 'suspended' ? s.client.state.delayMs : 0;
    s.clock.advance(Math.max(next, 1));
    if (s.ws.transports.length > before) {
      starts.push(s.clock.now());
      s.ws.last!.drop({ reason: 'refused' });
    }
  }
  return starts;
}

describe('a long outage', () => {
  it('becomes suspended after backoff.suspendAfterMs, retrying every 15-30 s, and reports it', () => {
    const s = setup({ ...single, connect: false, random: Math.random });
    s.sse.supported = false;
    s.client.connect();
    s.open(s.ws.last);
    s.clock.advance(60_000);
    const lostAt = s.clock.now();
    s.ws.last!.drop();
    const starts = refuseUntil(s, lostAt + 6 * 60_000);
    const suspendedAt = s.of('state').find((e) => e.to.status == 'suspended');
    expect(suspendedAt).toMatchObject({ from: { status: 'reconnecting' }, reason: 'refused' });
    const late = starts.filter((at) => at > lostAt + 3 * 60_000);
    // Three minutes of suspension: one round every 15-30 s.
    expect(late.length).toBeGreaterThanOrEqual(6);
    expect(late.length).toBeLessThanOrEqual(12);
    for (let i = 1; i < late.length; i++) expect(late[i]! - late[i - 1]!).toBeGreaterThanOrEqual(15_000);
    // Recovered: open again, the next loss starts over from the fast first retry.
    s.clock.advance((s.client.state as { delayMs: number }).delayMs);
    s.open(s.ws.last);
    expect(s.of('state').at(-1)).toMatchObject({ from: { status: 'suspended' }, to: { status: 'open' } });
    s.clock.advance(10_000);
    s.ws.last!.drop();
    expect(s.client.state).toMatchObject({ status: 'reconnecting', attempt: 1 });
    expect((s.client.state as { delayMs: number }).delayMs).toBeLessThanOrEqual(100);
  });

  it('connect() while suspended tries at once', () => {
    const s = setup({ ...single, connect: false, backoff: { suspendAfterMs: 1000 } });
    s.sse.supported = false;
    s.client.connect();
    refuseUntil(s, s.clock.now() + 5000);
    expect(s.client.state.status).toBe('suspended');
    const before = s.ws.transports.length;
    s.clock.advance(60); // the floor since the last round
    s.client.connect();
    expect(s.ws.transports.length).toBe(before + 1);
  });
});

describe('offline', () => {
  it('starts no round while the browser says offline; online starts one at once', () => {
    const s = setup({ ...single, connect: false });
    s.sse.supported = false;
    s.client.connect();
    s.open(s.ws.last);
    s.clock.advance(10_000);
    s.environment.emit('offline');
    s.ws.last!.drop();
    const waiting = s.of('reconnecting').at(-1)!;
    expect(waiting).toMatchObject({ attempt: 1, offline: true });
    expect(waiting.delayMs).toBeGreaterThanOrEqual(15_000);
    s.clock.advance(14_000);
    expect(s.ws.transports).toHaveLength(1);
    s.environment.emit('online');
    expect(s.ws.transports).toHaveLength(2);
  });

  it('moves a waiting round to the safety probe when the browser goes offline, and probes while offline', () => {
    const s = setup({ ...single, connect: false });
    s.sse.supported = false;
    s.client.connect();
    s.open(s.ws.last);
    s.clock.advance(10_000);
    s.ws.last!.drop();
    expect(s.of('reconnecting').at(-1)).toMatchObject({ attempt: 1, offline: false });
    s.environment.emit('offline');
    expect(s.of('reconnecting').at(-1)).toMatchObject({ attempt: 1, offline: true });
    const { delayMs } = s.of('reconnecting').at(-1)!;
    expect(s.client.state).toMatchObject({ status: 'reconnecting', attempt: 1, delayMs });
    s.clock.advance(delayMs - 1);
    expect(s.ws.transports).toHaveLength(1);
    s.clock.advance(1);
    // The safety probe: the browser may be wrong.
    expect(s.ws.transports).toHaveLength(2);
    s.ws.last!.drop({ reason: 'refused' });
    expect(s.of('reconnecting').at(-1)).toMatchObject({ attempt: 2, offline: true });
    expect(s.of('reconnecting').at(-1)!.delayMs).toBeGreaterThanOrEqual(15_000);
  });

  it('knows the browser was offline before connect()', () => {
    const environment = createFakeEnvironment({ online: false });
    const s = setup({ ...single, connect: false, environment });
    s.sse.supported = false;
    s.client.connect();
    // The first attempt is made anyway (the browser may be wrong); the retries wait.
    expect(s.ws.transports).toHaveLength(1);
    s.ws.last!.drop({ reason: 'refused' });
    expect(s.of('reconnecting').at(-1)).toMatchObject({ offline: true });
    s.clock.advance(1000);
    expect(s.ws.transports).toHaveLength(1);
    environment.emit('online');
    expect(s.ws.transports).toHaveLength(2);
  });
});

describe('retryPolicy', () => {
  it('decides the delays, told what the built-in backoff would do, and gives up with false', () => {
    const seen: RetryContext[] = [];
    const s = setup({
      ...single,
      connect: false,
      retryPolicy: (context) => (seen.push(context), context.attempt > 3 ? false : 1000 * context.attempt),
    });
    s.sse.supported = false;
    s.client.connect();
    const starts = refuseUntil(s, s.clock.now() + 20_000);
    expect(s.of('reconnecting').map((e) => e.delayMs)).toEqual([1000, 2000, 3000]);
    expect(starts).toHaveLength(3);
    expect(seen.map((context) => [context.attempt, context.reason])).toEqual([
      [1, 'refused'],
      [2, 'refused'],
      [3, 'refused'],
      [4, 'refused'],
    ]);
    expect(seen[1]!.elapsedMs).toBe(1000);
    expect(s.client.state).toMatchObject({ status: 'closed', reason: 'max-attempts', error: { message: 'the retry policy gave up after 3 attempts' } });
  });
});
