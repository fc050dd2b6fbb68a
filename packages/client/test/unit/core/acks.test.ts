import { describe, expect, it } from 'vitest';
import { raw } from '../../../src/protocols/raw.js';
import { socketIoProtocol } from '../../../src/socketio/protocol.js';
import { eventsOf, flush, serverAck, setup } from './helpers.js';

const stable = { heartbeat: false as const, minStableMs: 0 };

describe('acks', () => {
  it('resolves emitWithAck with the first argument of the server ack', async () => {
    const { ws, client, open } = setup(stable);
    open(ws.last);
    const answer = client.emitWithAck('echo', 'hi', 2);
    await flush();
    expect(eventsOf(ws.last)).toEqual([{ t: 'event', cid: 1, name: 'echo', args: ['hi', 2], ack: true }]);
    ws.last!.receive(serverAck(1, 1, { ok: true }));
    await expect(answer).resolves.toEqual({ ok: true });
  });

  it('rejects with ProtocolError server-error when the ack carries an error', async () => {
    const { ws, client, open } = setup(stable);
    open(ws.last);
    const answer = client.emitWithAck('nope');
    await flush();
    ws.last!.receive(JSON.stringify({ t: 'ack', seq: 1, cid: 1, error: { code: 'unknown-event', message: 'no handler' } }));
    await expect(answer).rejects.toMatchObject({ name: 'ProtocolError', code: 'server-error', message: expect.stringContaining('unknown-event') as string });
  });

  it('rejects with ack-timeout after ackTimeoutMs, and after a per-call timeout', async () => {
    const { ws, clock, client, open } = setup({ ...stable, ackTimeoutMs: 2000 });
    open(ws.last);
    const byDefault = client.emitWithAck('slow');
    const scoped = client.timeout(500).emitWithAck('slow');
    clock.advance(500);
    await expect(scoped).rejects.toMatchObject({ name: 'RequestError', code: 'ack-timeout' });
    clock.advance(1499);
    let settled = false;
    byDefault.catch(() => (settled = true));
    await flush();
    expect(settled).toBe(false);
    clock.advance(1);
    await expect(byDefault).rejects.toMatchObject({ code: 'ack-timeout' });
  });

  it('rejects with aborted when the signal aborts, and takes an unsent message out of the outbox', async () => {
    const { ws, client, open } = setup({ ...stable, connect: false });
    const controller = new AbortController();
    const answer = client.timeout(60_000).withSignal(controller.signal).emitWithAck('join', 'room');
    controller.abort(new Error('user left'));
    await expect(answer).rejects.toMatchObject({ name: 'RequestError', code: 'aborted' });
    client.connect();
    open(ws.last);
    await flush();
    expect(eventsOf(ws.last)).toEqual([]);
  });

  it('rejects at once when the signal is already aborted', async () => {
    const { client } = setup(stable);
    await expect(client.withSignal(AbortSignal.abort()).emitWithAck('x')).rejects.toMatchObject({ code: 'aborted' });
  });

  it('rejects pending acks with closed on a terminal close', async () => {
    const { ws, sse, client, open } = setup(stable);
    open(ws.last);
    const answer = client.emitWithAck('echo');
    ws.last!.drop();
    expect(client.state.status).toBe('reconnecting');
    client.close();
    await expect(answer).rejects.toMatchObject({ name: 'RequestError', code: 'closed' });
    expect(() => client.emit('after')).toThrowError(expect.objectContaining({ code: 'closed' }) as Error);
    await expect(client.emitWithAck('after')).rejects.toMatchObject({ code: 'closed' });
    expect(sse.transports).toHaveLength(0);
  });

  it('keeps pending acks across a resumable reconnect and resends the request with the same id', async () => {
    const { ws, clock, client, of, open } = setup(stable);
    open(ws.last);
    const answer = client.emitWithAck('echo', 'kept');
    await flush();
    ws.last!.drop();
    clock.advance(of('reconnecting')[0]!.delayMs);
    open(ws.last, { resumed: true, rcid: 0 });
    await flush();
    expect(eventsOf(ws.last)).toEqual([{ t: 'event', cid: 1, name: 'echo', args: ['kept'], ack: true }]);
    ws.last!.receive(serverAck(1, 1, 'kept'));
    await expect(answer).resolves.toBe('kept');
  });

  it('rejects acks the lost session processed but never answered, and resends the rest in the new session', async () => {
    const { ws, clock, client, of, open } = setup(stable);
    open(ws.last);
    const processed = client.emitWithAck('first');
    const unprocessed = client.emitWithAck('second');
    await flush();
    ws.last!.receive(JSON.stringify({ t: 'ping', rcid: 1 }));
    ws.last!.drop();
    clock.advance(of('reconnecting')[0]!.delayMs);
    open(ws.last, { session: 'new', resumed: false });
    await expect(processed).rejects.toMatchObject({ code: 'closed' });
    await flush();
    expect(eventsOf(ws.last)).toEqual([{ t: 'event', cid: 1, name: 'second', args: [], ack: true }]);
    ws.last!.receive(serverAck(1, 1, 'ok'));
    await expect(unprocessed).resolves.toBe('ok');
  });

  it('answers a server event that asks for an ack with the listener return value', async () => {
    const { ws, client, open } = setup(stable);
    client.on('question', (n: number) => Promise.resolve(n * 2));
    open(ws.last);
    ws.last!.receive(JSON.stringify({ t: 'event', seq: 1, name: 'question', args: [21], ack: 7 }));
    await flush();
    expect(ws.last!.texts.map((t) => JSON.parse(t) as unknown)).toContainEqual({ t: 'ack', ack: 7, args: [42] });
  });

  it('rejects emitWithAck with unsupported on a protocol without acks', async () => {
    const { ws, client } = setup({ ...stable, ws: { protocol: raw() } });
    ws.last!.accept();
    expect(client.state.status).toBe('open');
    await expect(client.emitWithAck('x')).rejects.toMatchObject({ name: 'UnisocketError', code: 'unsupported' });
  });

  it('rejects with unsupported when a request queued before connecting meets a protocol without acks', async () => {
    const { ws, client } = setup({ ...stable, connect: false, ws: { protocol: raw() } });
    const answer = client.emitWithAck('x');
    client.connect();
    ws.last!.accept();
    await expect(answer).rejects.toMatchObject({ code: 'unsupported' });
    expect(ws.last!.sent).toEqual([]);
  });

  it('an ack from a server that answers in any order (Socket.IO) settles only its own request: an earlier one is sent again after a reconnect', async () => {
    const { ws, client, clock } = setup({ ...stable, ws: { protocol: socketIoProtocol('/', () => undefined) } });
    const connectAnswer = () => {
      ws.last!.accept();
      ws.last!.receive('0{"sid":"s"}');
    };
    connectAnswer();
    const first = client.emitWithAck('slow');
    const second = client.emitWithAck('fast');
    await flush();
    expect(ws.last!.texts.slice(1)).toEqual(['21["slow"]', '22["fast"]']);
    ws.last!.receive('32["done"]');
    await expect(second).resolves.toBe('done');
    ws.last!.drop();
    clock.advance(1000);
    connectAnswer();
    await flush();
    // A new Socket.IO session: the unanswered request goes out again (numbered from 1), the answered one does not.
    expect(ws.last!.texts.slice(1)).toEqual(['21["slow"]']);
    ws.last!.receive('31["late"]');
    await expect(first).resolves.toBe('late');
  });
});
