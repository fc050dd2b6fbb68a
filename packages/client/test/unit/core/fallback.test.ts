import { describe, expect, it } from 'vitest';
import { memoryStorage, setup, welcome } from './helpers.js';

describe('fallback', () => {
  it('falls back to SSE at once when the WebSocket upgrade is refused (close before open)', () => {
    const { ws, sse, clock, client, of, open } = setup();
    expect(ws.transports).toHaveLength(1);
    expect(sse.transports).toHaveLength(0);
    ws.last!.drop({ reason: 'refused' });
    expect(sse.transports).toHaveLength(1);
    expect(of('fallback')).toEqual([{ from: ws.label, to: sse.label, reason: 'refused' }]);
    clock.advance(20);
    open(sse.last);
    expect(client.state).toEqual({ status: 'open', endpoint: sse.label, transport: 'sse' });
    expect(client.transport).toBe('sse');
  });

  it('starts SSE exactly at fallbackDelayMs when the upgrade hangs, and SSE wins', () => {
    const { ws, sse, clock, client, of, open } = setup({ fallbackDelayMs: 800 });
    clock.advance(799);
    expect(sse.transports).toHaveLength(0);
    clock.advance(1);
    expect(sse.transports).toHaveLength(1);
    expect(of('fallback')).toEqual([{ from: ws.label, to: sse.label, reason: 'fallback-delay' }]);
    open(sse.last);
    expect(client.transport).toBe('sse');
    expect(ws.last!.closedByClient).toBe(true);
  });

  it('falls back when the upgrade is accepted but the server stays silent (not confirmed at open)', () => {
    const { ws, sse, clock, client, open } = setup();
    ws.last!.accept();
    expect(client.state.status).toBe('connecting');
    clock.advance(1000);
    expect(sse.transports).toHaveLength(1);
    open(sse.last);
    expect(client.transport).toBe('sse');
    expect(ws.last!.closedByClient).toBe(true);
  });

  it('falls back at once when the upgrade is accepted then killed before its first frame', () => {
    const { ws, sse, client, of, open } = setup();
    ws.last!.accept();
    ws.last!.drop({ reason: 'network', code: 1006 });
    expect(sse.transports).toHaveLength(1);
    expect(of('fallback')).toEqual([{ from: ws.label, to: sse.label, reason: 'network' }]);
    open(sse.last);
    expect(client.transport).toBe('sse');
  });

  it('keeps the first endpoint when it confirms before the second, closing the second', () => {
    const { ws, sse, clock, client, open } = setup();
    clock.advance(1000);
    open(ws.last);
    expect(client.transport).toBe('websocket');
    expect(sse.last!.closedByClient).toBe(true);
  });

  it('moves to SSE when the WebSocket is killed right after confirming twice in a row (flap)', () => {
    const { ws, sse, clock, client, of, open } = setup({ minStableMs: 1500 });
    for (const round of [0, 1]) {
      open(ws.last);
      clock.advance(400);
      ws.last!.drop({ reason: 'network', code: 1006 });
      expect(client.state.status).toBe('reconnecting');
      clock.advance(of('reconnecting')[round]!.delayMs);
    }
    expect(ws.transports).toHaveLength(2);
    expect(sse.transports).toHaveLength(1);
    expect(of('fallback')).toEqual([{ from: ws.label, to: sse.label, reason: 'network' }]);
    open(sse.last);
    expect(client.transport).toBe('sse');
  });

  it('keeps the WebSocket after a single early drop (a glitch, not a flap)', () => {
    const { ws, sse, clock, of, open } = setup({ minStableMs: 1500 });
    open(ws.last);
    clock.advance(400);
    ws.last!.drop({ reason: 'network', code: 1006 });
    clock.advance(of('reconnecting')[0]!.delayMs);
    expect(ws.transports).toHaveLength(2);
    expect(sse.transports).toHaveLength(0);
    // A stable connection in between starts the count again.
    open(ws.last);
    clock.advance(2000);
    ws.last!.drop({ reason: 'network', code: 1006 });
    clock.advance(of('reconnecting')[1]!.delayMs);
    open(ws.last);
    clock.advance(400);
    ws.last!.drop({ reason: 'network', code: 1006 });
    clock.advance(of('reconnecting')[2]!.delayMs);
    expect(ws.transports).toHaveLength(4);
    expect(sse.transports).toHaveLength(0);
  });

  it('starts with the preferred endpoint again after a drop of a stable connection', () => {
    const { ws, sse, clock, of, open } = setup({ heartbeat: false });
    open(ws.last);
    clock.advance(10_000);
    ws.last!.drop();
    clock.advance(of('reconnecting')[0]!.delayMs);
    expect(ws.transports).toHaveLength(2);
    expect(sse.transports).toHaveLength(0);
  });

  it('skips endpoints that are not supported on this platform', () => {
    const { ws, sse, client } = setup({ connect: false });
    ws.supported = false;
    client.connect();
    expect(ws.transports).toHaveLength(0);
    expect(sse.transports).toHaveLength(1);
    expect(client.state.status).toBe('connecting');
  });

  it('closes terminally with unsupported when no endpoint is supported', () => {
    const s = setup({ connect: false });
    s.ws.supported = false;
    s.sse.supported = false;
    s.client.connect();
    expect(s.client.state).toMatchObject({ status: 'closed', reason: 'unsupported' });
  });

  it('remembers the winner per endpoint list and starts with it next time, until it expires', () => {
    const storage = memoryStorage();
    const first = setup({ fallbackMemory: { storage, ttlMs: 60_000 }, ws: { label: 'ws-shared' }, sse: { label: 'sse-shared' } });
    first.ws.last!.drop({ reason: 'refused' });
    first.open(first.sse.last);
    first.client.close();

    const second = setup({ fallbackMemory: { storage, ttlMs: 60_000 }, ws: { label: 'ws-shared' }, sse: { label: 'sse-shared' } });
    expect(second.sse.transports).toHaveLength(1);
    expect(second.ws.transports).toHaveLength(0);
    second.client.close();

    // The fake clocks of both setups start at the same time; a third one far later sees it expired.
    const third = setup({ fallbackMemory: { storage, ttlMs: 60_000 }, ws: { label: 'ws-shared' }, sse: { label: 'sse-shared' }, connect: false });
    third.clock.advance(60_001);
    third.client.connect();
    expect(third.ws.transports).toHaveLength(1);
    expect(third.sse.transports).toHaveLength(0);
  });

  it('re-probes the better endpoint in the background and switches when it confirms, resuming the session', () => {
    const { ws, sse, clock, client, of, open } = setup({ reprobeAfterMs: 30_000, heartbeat: false });
    ws.last!.drop({ reason: 'refused' });
    open(sse.last, { session: 'abc' });
    clock.advance(29_999);
    expect(ws.transports).toHaveLength(1);
    clock.advance(1);
    expect(ws.transports).toHaveLength(2);
    const probe = ws.last!;
    probe.accept();
    expect(JSON.parse(probe.texts[0]!)).toMatchObject({ t: 'hello', token: 'abc', lastSeq: 0 });
    expect(client.transport).toBe('sse');
    probe.receive(welcome({ session: 'abc', resumed: true }));
    expect(client.transport).toBe('websocket');
    expect(sse.last!.closedByClient).toBe(true);
    expect(of('fallback').at(-1)).toEqual({ from: sse.label, to: ws.label, reason: 'upgrade' });
    expect(of('open').map((e) => [e.transport, e.resumed])).toEqual([
      ['sse', false],
      ['websocket', true],
    ]);
    expect(client.state.status).toBe('open');
    // No extra state change: the client stayed open throughout.
    expect(of('state').map((e) => e.to.status)).toEqual(['connecting', 'open']);
  });

  it('backs off the re-probe when the probe fails, and stays on the working endpoint', () => {
    const { ws, sse, clock, client, open } = setup({ reprobeAfterMs: 10_000, heartbeat: false });
    ws.last!.drop({ reason: 'refused' });
    open(sse.last);
    clock.advance(10_000);
    ws.last!.drop({ reason: 'refused' });
    expect(client.transport).toBe('sse');
    clock.advance(19_999);
    expect(ws.transports).toHaveLength(2);
    clock.advance(1);
    expect(ws.transports).toHaveLength(3);
  });

  it("hands over to the re-probe without a blip when the server ends the old carrier before the probe's welcome", () => {
    const { ws, sse, clock, client, of, open } = setup({ reprobeAfterMs: 10_000, heartbeat: false });
    ws.last!.drop({ reason: 'refused' });
    open(sse.last, { session: 'abc' });
    clock.advance(10_000);
    ws.last!.accept();
    // The server attaches the session to the probe and says `bye replaced` (retry: false) to the old carrier first.
    sse.last!.receive(JSON.stringify({ t: 'bye', code: 'replaced', message: 'session moved', retry: false }));
    expect(client.state.status).toBe('open');
    client.emit('chat', 'during the hand-over');
    ws.last!.receive(welcome({ session: 'abc', resumed: true }));
    expect(client.transport).toBe('websocket');
    expect(of('state').map((e) => e.to.status)).toEqual(['connecting', 'open']);
    expect(of('close')).toEqual([]);
    expect(of('fallback').at(-1)).toMatchObject({ reason: 'upgrade' });
    expect(ws.last!.texts.map((text) => JSON.parse(text) as { t: string; name?: string }).filter((f) => f.t === 'event')).toEqual([
      expect.objectContaining({ name: 'chat', args: ['during the hand-over'] }),
    ]);
  });

  it('counts the connection as lost when the probe it was handed over to fails', () => {
    const { ws, sse, clock, client, of, open } = setup({ reprobeAfterMs: 10_000, heartbeat: false });
    ws.last!.drop({ reason: 'refused' });
    open(sse.last, { session: 'abc' });
    clock.advance(10_000);
    ws.last!.accept();
    sse.last!.receive(JSON.stringify({ t: 'bye', code: 'replaced', message: 'session moved', retry: false }));
    ws.last!.drop({ reason: 'network', code: 1006 });
    expect(client.state.status).toBe('reconnecting');
    expect(of('close')).toEqual([expect.objectContaining({ terminal: false })]);
  });

  it('lets a probe that outlives the connection it probed for win the reconnect', () => {
    const { ws, sse, clock, client, open } = setup({ reprobeAfterMs: 10_000, heartbeat: false });
    ws.last!.drop({ reason: 'refused' });
    open(sse.last, { session: 'abc' });
    clock.advance(10_000);
    ws.last!.accept();
    // The server moves the session: the SSE stream ends before the WebSocket's welcome arrives.
    sse.last!.drop({ reason: 'ended' });
    expect(client.state.status).toBe('reconnecting');
    ws.last!.receive(welcome({ session: 'abc', resumed: true }));
    expect(client.state.status).toBe('open');
    expect(client.transport).toBe('websocket');
  });
});
