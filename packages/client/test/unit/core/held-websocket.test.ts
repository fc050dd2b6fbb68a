import { describe, expect, it } from 'vitest';
import type { FakeEndpoint, FakeTransport } from '../../../src/testing/fake-transport.js';
import { setup, type Setup } from './helpers.js';

// A WebSocket attempt may hang without anything being wrong with the server: Firefox holds back a
// reconnection to a server that refused it (RFC 6455 section 7.2.3), 200-400 ms after the first
// failure and 1.5 times longer after each one, up to a minute, and the page sees it connecting.
// Nothing in the page tells such a hold from a slow upgrade, so the policy is the same for both: an
// attempt that hangs past the fallback delay keeps trying, and the rounds go on around it.

const options = { heartbeat: false as const, connect: false };

/** Waits out the retry delay the client announced. */
const waitRetry = (s: Setup) => s.clock.advance((s.client.state as { delayMs: number }).delayMs);

/**
 * Connected on the WebSocket, then the server goes away: in the first retry round the WebSocket hangs
 * past the fallback delay, and SSE has just started.
 */
function heldWebSocket(overrides: Parameters<typeof setup>[0] = {}): Setup {
  const s = setup({ ...options, ...overrides });
  s.client.connect();
  s.open(s.ws.last);
  s.clock.advance(10_000);
  s.ws.last!.drop();
  waitRetry(s);
  s.clock.advance(1000);
  return s;
}

/** The running round starts `next` exactly at the fallback delay (1 s), not sooner: a staggered start. */
function expectStaggered(s: Setup, next: FakeEndpoint): void {
  const started = next.transports.length;
  s.clock.advance(999);
  expect(next.transports).toHaveLength(started);
  s.clock.advance(1);
  expect(next.transports).toHaveLength(started + 1);
}

/** {@link heldWebSocket}, and SSE is refused. */
function heldRound(overrides: Parameters<typeof setup>[0] = {}): Setup {
  const s = heldWebSocket(overrides);
  s.sse.last!.drop({ reason: 'refused' });
  return s;
}

describe('a WebSocket attempt that hangs while SSE is refused', () => {
  it('ends the round when SSE is refused: SSE is tried again after the retry delay while the WebSocket keeps trying', () => {
    const s = heldRound();
    const held = s.ws.last!;
    expect(s.client.state).toMatchObject({ status: 'reconnecting', attempt: 2, reason: 'refused' });
    waitRetry(s);
    // Well before the WebSocket's connect timeout (10 s): a second SSE attempt, the same WebSocket one.
    expect(s.sse.transports).toHaveLength(2);
    expect(s.ws.transports).toHaveLength(2);
    expect(held.closedByClient).toBe(false);
    s.open(s.sse.last);
    expect(s.client.state).toMatchObject({ status: 'open', transport: 'sse' });
    // The winner ends the hung attempt too.
    expect(held.closedByClient).toBe(true);
  });

  it('lets the hung WebSocket win when it confirms between rounds, and ends the waiting round', () => {
    const s = heldRound();
    s.open(s.ws.last);
    expect(s.client.state).toMatchObject({ status: 'open', transport: 'websocket' });
    s.clock.advance(60_000);
    expect(s.sse.transports).toHaveLength(1);
    expect(s.ws.transports).toHaveLength(2);
  });

  it('lets the hung WebSocket win over the SSE attempt of a later round, closing it', () => {
    const s = heldRound();
    waitRetry(s);
    const pending = s.sse.last!;
    s.open(s.ws.last);
    expect(s.client.state).toMatchObject({ status: 'open', transport: 'websocket' });
    expect(pending.closedByClient).toBe(true);
  });

  it('starts the WebSocket again in the round after it finally failed, and SSE beside it without the fallback delay', () => {
    const s = heldRound();
    // The hold ends while the round waits: refused.
    s.ws.last!.drop({ reason: 'refused' });
    expect(s.client.state.status).toBe('reconnecting');
    waitRetry(s);
    expect(s.ws.transports).toHaveLength(3);
    // It hung in this outage: the next hold is longer still, SSE is not made to wait for it.
    s.clock.advance(0);
    expect(s.sse.transports).toHaveLength(2);
    expect(s.of('fallback').at(-1)).toMatchObject({ from: s.ws.label, to: s.sse.label, reason: 'fallback-delay' });
  });

  it('staggers the endpoints again after the next connection: a hang in one outage says nothing about the next', () => {
    const s = heldRound();
    waitRetry(s);
    s.open(s.sse.last);
    s.clock.advance(10_000);
    s.sse.last!.drop();
    waitRetry(s);
    // The remembered winner (SSE) first, still connecting: the WebSocket only after the fallback delay.
    expectStaggered(s, s.ws);
  });

  it('staggers the endpoints again after close() and connect()', () => {
    const s = heldRound();
    s.client.close();
    s.client.connect();
    expectStaggered(s, s.sse);
  });

  it('keeps a round open while its last attempt still tries, even when an earlier one failed', () => {
    const s = heldWebSocket();
    const retries = s.of('reconnecting').length;
    // The hung WebSocket is refused after SSE started: SSE is still connecting, the round goes on.
    s.ws.last!.drop({ reason: 'refused' });
    expect(s.of('reconnecting')).toHaveLength(retries);
    expect(s.sse.last!.closedByClient).toBe(false);
    s.open(s.sse.last);
    expect(s.client.state).toMatchObject({ status: 'open', transport: 'sse' });
  });

  it('gives the hung WebSocket its connect timeout, then starts it again', () => {
    const s = heldRound({ connectTimeoutMs: 4000 });
    const held = s.ws.last!;
    // Rounds of SSE alone, refused at once, until the WebSocket times out.
    while (!held.closedByClient) {
      s.clock.advance(10);
      if (!s.sse.last!.closedByClient) s.sse.last!.drop({ reason: 'refused' });
    }
    expect(s.sse.transports.length).toBeGreaterThan(2);
    expect(s.ws.transports).toHaveLength(2);
    s.clock.advance(5000);
    expect(s.ws.transports).toHaveLength(3);
  });
});

/**
 * Plays a server that is down from the first drop until `downMs` later, behind Firefox's hold: every
 * WebSocket attempt waits until the hold after the last failure is over (300 ms, then 1.5 times longer
 * per failure), then is refused while the server is down and welcomed once it is back; SSE is refused
 * or welcomed at once. Returns ms from the server's return to `open`.
 */
function outageBehindHold(s: Setup, downMs: number): { backAfterMs: number; webSockets: number; sseAttempts: number } {
  s.client.connect();
  s.open(s.ws.last);
  s.clock.advance(10_000);
  const backAt = s.clock.now() + downMs;
  let lastFailure = s.clock.now();
  let hold = 300;
  const due = new Map<FakeTransport, number>();
  const settle = (transport: FakeTransport) => {
    if (s.clock.now() >= backAt) return void s.open(transport);
    if (transport.kind == 'websocket') {
      hold = Math.min(60_000, hold * 1.5);
      lastFailure = s.clock.now();
    }
    transport.drop({ reason: 'refused' });
  };
  s.ws.last!.drop();
  let seen = 0;
  while (s.client.state.status != 'open') {
    s.clock.advance(10);
    for (const transport of [...s.ws.transports, ...s.sse.transports]) {
      if (!transport.opened || transport.closedByClient || transport.accepted) continue;
      if (!due.has(transport)) due.set(transport, transport.kind == 'websocket' ? Math.max(s.clock.now(), lastFailure + hold) : s.clock.now());
      if (s.clock.now() >= due.get(transport)!) {
        due.set(transport, Infinity);
        settle(transport);
      }
    }
    if (++seen > 100_000) throw new Error('not back within 1,000 s');
  }
  return { backAfterMs: s.clock.now() - backAt, webSockets: s.ws.transports.length, sseAttempts: s.sse.transports.length };
}

describe('an outage behind a growing browser hold of the WebSocket (Firefox)', () => {
  it("is back within one retry window of the server's return, whenever it returns (outages of 2 to 30 s)", () => {
    const late: string[] = [];
    for (let downMs = 2000; downMs <= 30_000; downMs += 1000) {
      for (const random of [0.01, 0.5, 0.99]) {
        const { backAfterMs } = outageBehindHold(setup({ ...options, random: () => random }), downMs);
        // The longest retry delay then (a fifth of the outage, up to 5 s): what a client whose WebSocket
        // is refused at once (Chromium) may wait. Waiting on the hold took up to the connect timeout (10 s).
        const windowMs = Math.min(5000, Math.max(500, (downMs + 5000) / 5));
        if (backAfterMs > windowMs + 20) late.push(`${downMs} ms down, random ${random}: back after ${backAfterMs} ms (window ${windowMs} ms)`);
      }
    }
    expect(late).toEqual([]);
  });
});
