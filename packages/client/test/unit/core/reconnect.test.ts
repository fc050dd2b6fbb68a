import { describe, expect, it } from 'vitest';
import { raw } from '../../../src/protocols/raw.js';
import { setup } from './helpers.js';

const single = { heartbeat: false as const };

describe('reconnect', () => {
  it('reconnects after a drop within the first window (half jitter), never at once', () => {
    const randoms = [0, 0.999];
    const { ws, clock, client, of, open } = setup({ ...single, random: () => randoms.shift() ?? 0 });
    open(ws.last);
    clock.advance(60_000);
    ws.last!.drop();
    const [first] = of('reconnecting');
    expect(first).toMatchObject({ attempt: 1, delayMs: 75, reason: 'network', offline: false });
    expect(first!.error).toMatchObject({ name: 'ConnectionError', code: 'network' });
    expect(of('close')).toEqual([expect.objectContaining({ reason: 'network', terminal: false })]);
    clock.advance(74);
    expect(ws.transports).toHaveLength(1);
    clock.advance(1);
    expect(ws.transports).toHaveLength(2);
    expect(client.state).toMatchObject({ status: 'reconnecting', attempt: 1 });
  });

  it('paces the later rounds by the outage, and keeps a floor on every failure path', () => {
    const { ws, sse, clock, of } = setup({ ...single, random: () => 0 });
    for (let round = 0; round < 6; round++) {
      ws.last!.drop({ reason: 'refused' });
      sse.last!.drop({ reason: 'network', wasOpen: false });
      clock.advance(of('reconnecting').at(-1)!.delayMs);
    }
    const delays = of('reconnecting').map((e) => e.delayMs);
    expect(delays.every((delay) => delay >= 50)).toBe(true);
    expect(of('reconnecting').map((e) => e.attempt)).toEqual([1, 2, 3, 4, 5, 6]);
    const upper = setup({ ...single, random: () => 0.999999 });
    let outage = 0;
    for (let round = 0; round < 30; round++) {
      upper.ws.last!.drop({ reason: 'refused' });
      upper.sse.last!.drop({ reason: 'network' });
      const { delayMs } = upper.of('reconnecting').at(-1)!;
      // The first round within 100 ms; then a window of 500 ms until the outage is 2.5 s old, then a fifth of it, up to 5 s.
      expect(delayMs).toBeCloseTo(round ? Math.min(5000, Math.max(500, outage / 5)) : 100, 0);
      outage += delayMs;
      upper.clock.advance(delayMs);
    }
    expect(upper.of('reconnecting').at(-1)!.delayMs).toBeCloseTo(5000, 0);
  });

  it('never loops without delay when every endpoint fails synchronously (no reconnect storm)', () => {
    const { ws, sse, clock, client, of } = setup({ ...single, connect: false, random: Math.random });
    for (const endpoint of [ws, sse]) {
      const create = endpoint.createTransport.bind(endpoint);
      endpoint.createTransport = (context) => {
        const transport = create(context);
        transport.open = () => transport.onclose?.({ reason: 'refused', wasOpen: false, message: 'refused at once' });
        return transport;
      };
    }
    client.connect();
    clock.advance(60_000);
    const delays = of('reconnecting').map((e) => e.delayMs);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(50);
    expect(delays.length).toBeGreaterThan(10);
    // A zero-delay loop would make thousands of rounds; the backoff makes about 60 in a minute.
    expect(delays.length).toBeLessThan(90);
    expect(ws.transports.length).toBe(delays.length); // one round per delay: the last retry is still pending
  });

  it('resets the backoff after the connection stayed open for stableAfterMs', () => {
    const { ws, sse, clock, of, open } = setup({ ...single, random: () => 0.999999, minStableMs: 0, backoff: { stableAfterMs: 5000 } });
    open(ws.last);
    clock.advance(100);
    ws.last!.drop();
    clock.advance(of('reconnecting').at(-1)!.delayMs);
    ws.last!.drop({ reason: 'refused' });
    sse.last!.drop({ reason: 'refused' });
    clock.advance(of('reconnecting').at(-1)!.delayMs);
    open(ws.last);
    clock.advance(4999);
    ws.last!.drop();
    expect(of('reconnecting').map((e) => e.attempt)).toEqual([1, 2, 3]);
    clock.advance(of('reconnecting').at(-1)!.delayMs);
    open(ws.last);
    clock.advance(5000);
    ws.last!.drop();
    expect(of('reconnecting').at(-1)).toMatchObject({ attempt: 1 });
    expect(Math.round(of('reconnecting').at(-1)!.delayMs)).toBe(100);
  });

  it('honours the retry delay the server asked for (Retry-After)', () => {
    const { ws, clock, of, open } = setup(single);
    open(ws.last);
    clock.advance(10_000);
    ws.last!.drop({ reason: 'http-status', status: 503, retryAfterMs: 3000 });
    expect(of('reconnecting')[0]).toMatchObject({ delayMs: 3000, reason: 'http-status' });
  });

  it("takes an ended stream's SSE retry: as the floor for raw servers, not for the envelope (it has its own signals)", () => {
    const rawSetup = setup({ ...single, sse: { protocol: raw() } });
    rawSetup.ws.last!.drop({ reason: 'refused' });
    rawSetup.sse.last!.accept();
    rawSetup.clock.advance(10_000);
    rawSetup.sse.last!.drop({ reason: 'ended', retryAfterMs: 3000 });
    expect(rawSetup.of('reconnecting')[0]).toMatchObject({ delayMs: 3000, reason: 'ended' });

    const { ws, clock, of, open } = setup(single);
    open(ws.last);
    clock.advance(10_000);
    ws.last!.drop({ reason: 'ended', retryAfterMs: 3000 });
    expect(of('reconnecting')[0]!.delayMs).toBeLessThanOrEqual(100);
  });

  it('reconnects a stream the server ends cleanly from the first attempt after its retry:, however often it ends (like EventSource)', () => {
    const { ws, clock, of } = setup({ ...single, ws: { protocol: raw(), kind: 'sse' }, random: () => 0.999999 });
    ws.last!.accept();
    for (let cycle = 0; cycle < 25; cycle++) {
      clock.advance(1000); // shorter than minStableMs: the server's retry: paces the cycle
      ws.last!.drop({ reason: 'ended', retryAfterMs: 1000 });
      clock.advance(of('reconnecting').at(-1)!.delayMs);
      ws.last!.accept();
    }
    expect(of('reconnecting').map((e) => [e.attempt, e.delayMs])).toEqual(Array(25).fill([1, 1000]));
    expect(of('fallback')).toEqual([]);
    expect(of('close').every((e) => e.reason === 'ended' && !e.terminal)).toBe(true);
  });

  it('reconnects a cleanly ended stream without retry: after the first backoff delay once it lived minStableMs', () => {
    const { ws, clock, of } = setup({ ...single, ws: { protocol: raw(), kind: 'sse' }, random: () => 0.999999, minStableMs: 1500 });
    ws.last!.accept();
    for (let cycle = 0; cycle < 10; cycle++) {
      clock.advance(1500);
      ws.last!.drop({ reason: 'ended' });
      clock.advance(of('reconnecting').at(-1)!.delayMs);
      ws.last!.accept();
    }
    expect(of('reconnecting').map((e) => [e.attempt, Math.round(e.delayMs)])).toEqual(Array(10).fill([1, 100]));
  });

  it('escalates when the server ends streams at once without asking for a wait (no reconnect loop)', () => {
    const { ws, sse, client, clock, of } = setup({ ...single, ws: { protocol: raw(), kind: 'sse' }, minStableMs: 1500, connect: false });
    sse.supported = false;
    client.connect();
    ws.last!.accept();
    for (let cycle = 0; cycle < 5; cycle++) {
      clock.advance(100);
      ws.last!.drop({ reason: 'ended', retryAfterMs: 200 });
      clock.advance(of('reconnecting').at(-1)!.delayMs);
      ws.last!.accept();
    }
    expect(of('reconnecting').map((e) => e.attempt)).toEqual([1, 2, 3, 4, 5]);
  });

  it('keeps escalating real failures after a cleanly ended stream', () => {
    const { ws, sse, clock, of } = setup({ ...single, ws: { protocol: raw(), kind: 'sse' } });
    ws.last!.accept();
    clock.advance(3000);
    ws.last!.drop({ reason: 'ended', retryAfterMs: 1000 });
    for (let round = 0; round < 3; round++) {
      clock.advance(of('reconnecting').at(-1)!.delayMs);
      ws.last!.drop({ reason: 'refused' });
      sse.last!.drop({ reason: 'refused' });
    }
    expect(of('reconnecting').map((e) => [e.attempt, e.reason])).toEqual([
      [1, 'ended'],
      [2, 'refused'],
      [3, 'refused'],
      [4, 'refused'],
    ]);
  });

  it('does not count streams the server ended cleanly as flaps of their endpoint', () => {
    const { ws, sse, clock, of } = setup({ ...single, ws: { protocol: raw() }, minStableMs: 1500 });
    for (let cycle = 0; cycle < 3; cycle++) {
      ws.last!.accept();
      clock.advance(500);
      ws.last!.drop({ reason: 'ended', retryAfterMs: 1000 });
      clock.advance(of('reconnecting').at(-1)!.delayMs);
    }
    expect(of('fallback')).toEqual([]);
    expect(sse.transports).toHaveLength(0);
    expect(ws.transports).toHaveLength(4);
  });

  it.each(['online', 'pageshow'] as const)('reconnects at once on %s instead of waiting out the backoff', (signal) => {
    const { ws, clock, environment, of, open } = setup({ ...single, backoff: { initialDelayMs: 5000, minDelayMs: 1000, maxDelayMs: 5000 } });
    open(ws.last);
    clock.advance(10_000);
    ws.last!.drop();
    expect(of('reconnecting')[0]!.delayMs).toBeGreaterThan(1000);
    clock.advance(1000);
    expect(ws.transports).toHaveLength(1);
    environment.emit(signal);
    expect(ws.transports).toHaveLength(2);
  });

  it('keeps the floor since the last attempt when a signal asks to reconnect at once', () => {
    const { ws, sse, clock, environment, of } = setup({ ...single, backoff: { initialDelayMs: 5000, minDelayMs: 500, maxDelayMs: 5000 } });
    ws.last!.drop({ reason: 'refused' });
    sse.last!.drop({ reason: 'refused' });
    expect(of('reconnecting')).toHaveLength(1);
    clock.advance(100);
    environment.emit('online');
    expect(ws.transports).toHaveLength(1);
    clock.advance(399);
    expect(ws.transports).toHaveLength(1);
    clock.advance(1);
    expect(ws.transports).toHaveLength(2);
  });

  it('reconnects at once when the tab becomes visible after a long hidden period, not after a short one', () => {
    const { ws, clock, environment, open } = setup({ ...single, retryOnVisibleAfterHiddenMs: 5000, backoff: { initialDelayMs: 60_000, maxDelayMs: 60_000, minDelayMs: 30_000 } });
    open(ws.last);
    clock.advance(10_000);
    environment.emit('hidden');
    ws.last!.drop();
    clock.advance(1000);
    environment.emit('visible');
    expect(ws.transports).toHaveLength(1);
    environment.emit('hidden');
    clock.advance(5000);
    environment.emit('visible');
    expect(ws.transports).toHaveLength(1); // the floor (30 s since the last attempt) still holds
    environment.emit('hidden');
    clock.jump(30_000); // throttled timers: time passes, the backoff timer has not fired
    environment.emit('visible');
    expect(ws.transports).toHaveLength(2);
  });

  it.each([
    ['401 on the SSE handshake', { reason: 'http-status', status: 401 }, 'unauthorized'],
    ['403 on the SSE handshake', { reason: 'http-status', status: 403 }, 'unauthorized'],
    ['SSE 204 No Content', { reason: 'no-content', status: 204 }, 'no-content'],
    ['a wrong content type', { reason: 'content-type', status: 200 }, 'content-type'],
    ['a 404', { reason: 'http-status', status: 404 }, 'http-status'],
  ] as const)('gives up with a terminal state on %s once every endpoint is tried', (_name, info, code) => {
    const { ws, sse, client, clock, of } = setup(single);
    ws.last!.drop({ reason: 'refused' });
    sse.last!.drop(info);
    expect(client.state).toMatchObject({ status: 'closed', reason: info.reason, error: { name: 'ConnectionError', code } });
    expect(of('close')).toEqual([expect.objectContaining({ terminal: true, reason: info.reason })]);
    clock.advance(60_000);
    expect(ws.transports).toHaveLength(1);
    expect(sse.transports).toHaveLength(1);
  });

  it('falls back instead of giving up when a terminal failure leaves another endpoint to try', () => {
    const { ws, sse, client, open } = setup(single);
    ws.last!.drop({ reason: 'http-status', status: 403 });
    expect(sse.transports).toHaveLength(1);
    open(sse.last);
    expect(client.state.status).toBe('open');
  });

  it('retries a 503 like a network fault', () => {
    const { ws, sse, client } = setup(single);
    ws.last!.drop({ reason: 'refused' });
    sse.last!.drop({ reason: 'http-status', status: 503 });
    expect(client.state.status).toBe('reconnecting');
  });

  it('gives up with max-attempts after backoff.maxAttempts failed reconnects', () => {
    const { ws, sse, clock, client, of } = setup({ ...single, backoff: { maxAttempts: 3 } });
    for (let round = 0; round < 4; round++) {
      ws.last!.drop({ reason: 'refused' });
      sse.last!.drop({ reason: 'refused' });
      if (round < 3) clock.advance(of('reconnecting').at(-1)!.delayMs);
    }
    expect(of('reconnecting')).toHaveLength(3);
    expect(client.state).toMatchObject({ status: 'closed', reason: 'max-attempts', error: { code: 'max-attempts' } });
  });

  it('treats a server bye without retry as terminal and with retry as a reconnect', () => {
    const a = setup(single);
    a.open(a.ws.last);
    a.ws.last!.receive(JSON.stringify({ t: 'bye', code: 'kicked', message: 'go away', retry: false }));
    expect(a.client.state).toMatchObject({ status: 'closed', reason: 'server-closed' });
    const b = setup(single);
    b.open(b.ws.last);
    b.ws.last!.receive(JSON.stringify({ t: 'bye', code: 'restart', message: 'brb', retry: true }));
    expect(b.client.state.status).toBe('reconnecting');
  });

  it('treats close() by the user as final until connect()', () => {
    const { ws, clock, client, environment, of, open } = setup(single);
    open(ws.last);
    client.close();
    expect(client.state).toEqual({ status: 'closed', reason: 'user', error: undefined });
    expect(ws.last!.closedByClient).toBe(true);
    expect(of('close')).toEqual([{ reason: 'user', error: undefined, terminal: true }]);
    environment.emit('online');
    clock.advance(60_000);
    expect(ws.transports).toHaveLength(1);
    expect(environment.listeners).toBe(0);
    client.connect();
    expect(client.state.status).toBe('connecting');
    expect(ws.transports).toHaveLength(2);
  });

  it('ignores callbacks of an old attempt (stale transport)', () => {
    const { ws, sse, clock, client, of, open } = setup(single);
    const old = ws.last!;
    const { onmessage, onclose } = old;
    clock.advance(1000);
    open(sse.last);
    expect(old.closedByClient).toBe(true);
    expect(old.onmessage).toBeNull();
    // Even a transport that kept firing its old handlers after close() changes nothing.
    onmessage?.({ data: JSON.stringify({ t: 'welcome', v: 1, session: 'x', token: 'x', resumed: false, seq: 0, rcid: 0, hb: 5000 }) });
    onclose?.({ reason: 'network', wasOpen: true, message: 'late' });
    expect(client.transport).toBe('sse');
    expect(client.state.status).toBe('open');
    expect(of('reconnecting')).toHaveLength(0);
    expect(of('open')).toHaveLength(1);
  });
});
