import { describe, expect, it } from 'vitest';
import { raw } from '../../../src/protocols/raw.js';
import { socketIoProtocol } from '../../../src/socketio/protocol.js';
import { eventsOf, flush, ping, serverAck, serverEvent, setup } from './helpers.js';

const stable = { heartbeat: false as const, minStableMs: 0 };

describe('no loss', () => {
  it('sends a burst of emits on an open WebSocket at once, so the outbox limit only bounds what waits offline', () => {
    const { ws, client, open } = setup({ ...stable, outbox: { maxMessages: 3 } });
    open(ws.last, { session: 's1' });
    expect(() => {
      for (let i = 1; i <= 10; i++) client.emit('chat', i);
    }).not.toThrow();
    expect(eventsOf(ws.last).map((frame) => frame.args)).toEqual(Array.from({ length: 10 }, (_, i) => [i + 1]));
  });

  it('delivers server events once and in order, dropping replayed duplicates (seq <= last delivered)', () => {
    const { ws, clock, client, of, open } = setup(stable);
    const got: unknown[] = [];
    client.on('chat', (text) => got.push(text));
    open(ws.last, { session: 's1' });
    ws.last!.receive(serverEvent(1, 'chat', 'a'));
    ws.last!.receive(serverEvent(2, 'chat', 'b'));
    ws.last!.drop();
    clock.advance(of('reconnecting')[0]!.delayMs);
    const resumed = ws.last!;
    resumed.accept();
    expect(JSON.parse(resumed.texts[0]!)).toEqual({ t: 'hello', v: 1, token: 's1', lastSeq: 2 });
    resumed.receive(JSON.stringify({ t: 'welcome', v: 1, session: 's1', token: 's1', resumed: true, seq: 4, rcid: 0, hb: 5000 }));
    for (const [seq, text] of [[2, 'b'], [3, 'c'], [4, 'd']] as const) resumed.receive(serverEvent(seq, 'chat', text));
    expect(got).toEqual(['a', 'b', 'c', 'd']);
    expect(of('open').at(-1)).toMatchObject({ resumed: true, recovered: true });
    expect(of('gap')).toEqual([]);
  });

  it('asks the SSE carrier to resume with the cursor in the stream URL', () => {
    const { ws, sse, clock, of, open } = setup(stable);
    ws.last!.drop({ reason: 'refused' });
    open(sse.last, { session: 's9' });
    sse.last!.receive({ data: serverEvent(1, 'x'), id: '1' });
    sse.last!.drop({ reason: 'ended' });
    clock.advance(of('reconnecting')[0]!.delayMs);
    // Memory says SSE won: the next round starts there.
    const url = new URL(sse.last!.context.url);
    expect(Object.fromEntries(url.searchParams)).toEqual({ v: '1', sessionToken: 's9', lastSeq: '1' });
  });

  it('treats a gap in sequence ids as a protocol error and reconnects with the cursor', () => {
    const { ws, clock, client, of, open } = setup(stable);
    const got: unknown[] = [];
    client.on('chat', (text) => got.push(text));
    open(ws.last, { session: 's1' });
    ws.last!.receive(serverEvent(1, 'chat', 'a'));
    ws.last!.receive(serverEvent(3, 'chat', 'c'));
    expect(got).toEqual(['a']);
    expect(of('error')[0]!.error).toMatchObject({ name: 'ProtocolError', code: 'sequence-gap' });
    expect(of('reconnecting')[0]).toMatchObject({ reason: 'sequence-gap' });
    expect(ws.last!.closedByClient).toBe(true);
    clock.advance(of('reconnecting')[0]!.delayMs);
    ws.last!.accept();
    expect(JSON.parse(ws.last!.texts[0]!)).toMatchObject({ token: 's1', lastSeq: 1 });
  });

  it('reports a gap when the server could not resume, and starts over with the new session', () => {
    const { ws, clock, client, of, open } = setup(stable);
    const got: unknown[] = [];
    client.on('chat', (text) => got.push(text));
    open(ws.last, { session: 's1' });
    ws.last!.receive(serverEvent(1, 'chat', 'a'));
    ws.last!.drop();
    clock.advance(of('reconnecting')[0]!.delayMs);
    open(ws.last, { session: 's2', resumed: false });
    expect(of('gap')).toEqual([{ session: 's1', lastSeq: 1 }]);
    expect(of('open').at(-1)).toMatchObject({ resumed: false, recovered: true });
    ws.last!.receive(serverEvent(1, 'chat', 'fresh'));
    expect(got).toEqual(['a', 'fresh']);
  });

  it('keeps messages emitted while disconnected in the outbox and sends them in order after reconnect', async () => {
    const { ws, clock, client, of, open } = setup(stable);
    open(ws.last);
    ws.last!.drop();
    client.emit('chat', 1);
    client.emit('chat', 2);
    client.send('raw-3');
    expect(of('outbox').at(-1)).toEqual({ size: 3, bytes: expect.any(Number) as number });
    clock.advance(of('reconnecting')[0]!.delayMs);
    open(ws.last, { resumed: true });
    await flush();
    expect(eventsOf(ws.last).map((e) => [e.cid, e.name, e.args])).toEqual([
      [1, 'chat', [1]],
      [2, 'chat', [2]],
      [3, 'message', ['raw-3']],
    ]);
    expect(of('outbox').at(-1)).toMatchObject({ size: 0 });
  });

  it('resends unconfirmed messages with the same cid after a resume, and not the confirmed ones', async () => {
    const { ws, clock, client, of, open } = setup(stable);
    open(ws.last);
    for (const n of [1, 2, 3]) client.emit('chat', n);
    await flush();
    ws.last!.receive(ping(1));
    ws.last!.drop();
    clock.advance(of('reconnecting')[0]!.delayMs);
    open(ws.last, { resumed: true, rcid: 2 });
    client.emit('chat', 4);
    await flush();
    expect(eventsOf(ws.last).map((e) => [e.cid, e.args])).toEqual([
      [3, [3]],
      [4, [4]],
    ]);
  });

  it('numbers unconfirmed messages again from 1 in a new session', async () => {
    const { ws, clock, client, of, open } = setup(stable);
    open(ws.last);
    for (const n of [1, 2, 3]) client.emit('chat', n);
    await flush();
    ws.last!.receive(ping(1));
    ws.last!.drop();
    clock.advance(of('reconnecting')[0]!.delayMs);
    open(ws.last, { session: 'new', resumed: false });
    await flush();
    expect(eventsOf(ws.last).map((e) => [e.cid, e.args])).toEqual([
      [1, [2]],
      [2, [3]],
    ]);
  });

  it('drops messages confirmed by an ack from the resend buffer', async () => {
    const { ws, clock, client, of, open } = setup(stable);
    open(ws.last);
    const answer = client.emitWithAck('echo', 'x');
    client.emit('chat', 'y');
    await flush();
    ws.last!.receive(serverAck(1, 1, 'x'));
    await expect(answer).resolves.toBe('x');
    ws.last!.drop();
    clock.advance(of('reconnecting')[0]!.delayMs);
    open(ws.last, { resumed: true, rcid: 0 });
    await flush();
    expect(eventsOf(ws.last).map((e) => e.cid)).toEqual([2]);
  });

  it('sends waiting messages over SSE in one batched POST', async () => {
    const { ws, sse, client, open } = setup(stable);
    ws.last!.drop({ reason: 'refused' });
    client.emit('a');
    client.emit('b');
    open(sse.last);
    await flush();
    expect(sse.last!.sends).toBe(1);
    expect(JSON.parse(sse.last!.texts[0]!)).toEqual([
      { t: 'event', cid: 1, name: 'a', args: [] },
      { t: 'event', cid: 2, name: 'b', args: [] },
    ]);
  });

  it('sends one frame per message over a WebSocket, serialising sends so cids arrive in order', async () => {
    const { ws, client, open } = setup(stable);
    open(ws.last);
    client.emit('a');
    client.emit('b');
    client.emit('c');
    await flush();
    expect(eventsOf(ws.last).map((e) => e.cid)).toEqual([1, 2, 3]);
    expect(ws.last!.texts.every((text) => !text.startsWith('['))).toBe(true);
  });

  it('keeps the messages of a failed send, reports it, and sends them on the next connection', async () => {
    const { ws, sse, clock, client, of, open } = setup(stable);
    ws.last!.drop({ reason: 'refused' });
    open(sse.last);
    sse.last!.failSends = new Error('POST failed');
    client.emit('a');
    await flush();
    expect(of('error').map((e) => e.error.message)).toContain('POST failed');
    expect(of('reconnecting')[0]).toMatchObject({ reason: 'send-failed' });
    clock.advance(of('reconnecting')[0]!.delayMs);
    open(sse.last, { resumed: true });
    await flush();
    expect(eventsOf(sse.last).map((e) => [e.cid, e.name])).toEqual([[1, 'a']]);
  });

  it('rejects new messages when the outbox is full (reject-new)', () => {
    const { client } = setup({ ...stable, connect: false, outbox: { maxMessages: 2 } });
    client.emit('a');
    client.emit('b');
    expect(() => client.emit('c')).toThrowError(expect.objectContaining({ code: 'outbox-full' }) as Error);
    return expect(client.emitWithAck('d')).rejects.toMatchObject({ name: 'RequestError', code: 'outbox-full' });
  });

  it('drops the oldest messages and reports them when the outbox is full (drop-oldest)', async () => {
    const { ws, client, of, open } = setup({ ...stable, connect: false, outbox: { maxMessages: 2, overflow: 'drop-oldest' } });
    const first = client.emitWithAck('a');
    client.emit('b');
    client.emit('c');
    await expect(first).rejects.toMatchObject({ code: 'outbox-full' });
    expect(of('error')[0]!.dropped!.map((e) => e.name)).toEqual(['a']);
    client.connect();
    open(ws.last);
    await flush();
    expect(eventsOf(ws.last).map((e) => e.name)).toEqual(['b', 'c']);
  });
});

describe('gaps of protocols without sessions', () => {
  it('a raw WebSocket that connects again reports a gap (messages may be missing); its first open does not', () => {
    const { ws, sse, client, clock, of } = setup({ ...stable, connect: false, ws: { protocol: raw() } });
    sse.supported = false;
    client.connect();
    ws.last!.accept();
    expect(of('gap')).toEqual([]);
    ws.last!.drop();
    clock.advance(1000);
    ws.last!.accept();
    expect(of('gap')).toEqual([{ session: undefined, lastSeq: undefined }]);
    expect(client.state.status).toBe('open');
  });

  it('a raw SSE stream that resumes from its Last-Event-ID is no gap; one without an id is', () => {
    const { ws, client, clock, of } = setup({ ...stable, connect: false, ws: { kind: 'sse', protocol: raw() } });
    client.connect();
    ws.last!.accept();
    ws.last!.drop({ reason: 'ended', retryAfterMs: 1000 });
    clock.advance(2000);
    ws.last!.accept();
    expect(of('gap')).toHaveLength(1);
    ws.last!.receive({ data: 'x', event: 'cfmlMessage', id: '7' });
    ws.last!.drop({ reason: 'ended', retryAfterMs: 1000 });
    clock.advance(2000);
    expect(ws.last!.context.lastEventId).toBe('7');
    ws.last!.accept();
    expect(of('gap')).toHaveLength(1);
  });

  it('a Socket.IO server without connection state recovery: every new session after the first is a gap', () => {
    const { ws, sse, client, clock, of } = setup({ ...stable, connect: false, ws: { protocol: socketIoProtocol('/', () => undefined) } });
    sse.supported = false;
    client.connect();
    for (const sid of ['a', 'b', 'c']) {
      ws.last!.accept();
      ws.last!.receive(`0{"sid":"${sid}"}`);
      expect(client.state.status).toBe('open');
      ws.last!.drop();
      clock.advance(1000);
    }
    expect(of('gap')).toHaveLength(2);
    expect(of('open').map((e) => e.resumed)).toEqual([false, false, false]);
  });

  it('raw over SSE: each frame is its own POST, settled when answered; a batch cut short sends again only the rest', async () => {
    const { ws, client, clock } = setup({ ...stable, connect: false, ws: { kind: 'sse', protocol: raw() } });
    client.connect();
    const first = ws.last!;
    first.accept();
    // The outbox waits behind a POST in flight: then three go out together.
    let release!: () => void;
    const posted: string[] = [];
    first.send = (frames) => {
      posted.push(String(frames[0]));
      if (posted.length == 1) return new Promise<void>((resolve) => (release = resolve));
      return posted.length <= 3 ? Promise.resolve() : Promise.reject(new Error('connection lost'));
    };
    for (const text of ['a', 'b', 'c', 'd']) client.send(text);
    release();
    await flush();
    expect(posted).toEqual(['a', 'b', 'c', 'd']);
    clock.advance(1000);
    const second = ws.last!;
    expect(second).not.toBe(first);
    second.accept();
    await flush();
    expect(second.sent).toEqual(['d']);
  });
});
