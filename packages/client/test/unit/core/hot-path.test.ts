import { describe, expect, it } from 'vitest';
import { createClient } from '../../../src/core/client.js';
import { createFakeClock } from '../../../src/testing/fake-clock.js';
import { websocket } from '../../../src/transports/websocket.js';
import { eventsOf, flush, serverAck, setup, welcome } from './helpers.js';

// What a message costs while connected: no timer per request, no outbox report when nothing waits,
// answers found by their id whatever the order.

const stable = { heartbeat: false as const, minStableMs: 0 };

describe('requests on an open connection', () => {
  it('keeps one timer for every pending ack deadline', async () => {
    const { ws, clock, client, open } = setup(stable);
    open(ws.last);
    const before = clock.pending;
    const answers = Array.from({ length: 50 }, (_, i) => client.emitWithAck('echo', i));
    expect(clock.pending - before).toBe(1);
    await flush();
    for (let cid = 1; cid <= 50; cid++) ws.last!.receive(serverAck(cid, cid, cid - 1));
    await expect(Promise.all(answers)).resolves.toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('times out requests with different deadlines each at its own time', async () => {
    const { ws, clock, client, open } = setup({ ...stable, ackTimeoutMs: 1000 });
    open(ws.last);
    const settled: string[] = [];
    const track = (name: string, answer: Promise<unknown>) => answer.catch((error: { code: string }) => settled.push(`${name} ${error.code}`));
    track('late', client.emitWithAck('late'));
    clock.advance(100);
    track('early', client.timeout(200).emitWithAck('early'));
    track('never', client.timeout(Infinity).emitWithAck('never'));
    clock.advance(199);
    await flush();
    expect(settled).toEqual([]);
    clock.advance(1);
    await flush();
    expect(settled).toEqual(['early ack-timeout']);
    clock.advance(699);
    await flush();
    expect(settled).toEqual(['early ack-timeout']);
    clock.advance(1);
    await flush();
    expect(settled).toEqual(['early ack-timeout', 'late ack-timeout']);
    clock.advance(10 * 60_000);
    await flush();
    expect(settled).toHaveLength(2);
  });

  it('resolves each request with its own answer when acks arrive out of order', async () => {
    const { ws, client, open } = setup(stable);
    open(ws.last);
    const [a, b, c] = ['a', 'b', 'c'].map((name) => client.emitWithAck(name));
    await flush();
    ws.last!.receive(serverAck(1, 3, 'for c'));
    ws.last!.receive(serverAck(2, 1, 'for a'));
    ws.last!.receive(serverAck(3, 2, 'for b'));
    await expect(Promise.all([a, b, c])).resolves.toEqual(['for a', 'for b', 'for c']);
  });

  it('still times out the requests left waiting after most were answered out of order', async () => {
    const { ws, clock, client, open } = setup({ ...stable, ackTimeoutMs: 1000 });
    open(ws.last);
    const outcomes: string[] = Array(100).fill('waiting');
    const answers = outcomes.map((_, i) =>
      client.emitWithAck('echo', i).then(
        () => (outcomes[i] = 'answered'),
        (error: { code: string }) => (outcomes[i] = error.code),
      ),
    );
    await flush();
    // Every third one stays unanswered; the others are answered from the last down.
    const answered = outcomes.map((_, i) => i).filter((i) => i % 3 != 0);
    let seq = 0;
    for (const i of answered.reverse()) ws.last!.receive(serverAck(++seq, i + 1, i));
    await flush();
    expect(outcomes.filter((outcome) => outcome == 'answered')).toHaveLength(66);
    clock.advance(1000);
    await Promise.all(answers);
    expect(outcomes).toEqual(outcomes.map((_, i) => (i % 3 ? 'answered' : 'ack-timeout')));
  });

  it('reports a WebSocket send that fails and replaces the connection, the request waiting for the next one', async () => {
    const clock = createFakeClock(0);
    const sockets: FailingSocket[] = [];
    class FailingSocket {
      readyState = 0;
      onopen?: () => void;
      onmessage?: (event: { data: string }) => void;
      onclose?: (event: { code: number; reason: string }) => void;
      onerror?: () => void;
      sent: string[] = [];
      constructor() {
        sockets.push(this);
      }
      send(frame: string) {
        // The first connection breaks after its hello.
        if (this.sent.push(frame) > 1 && this == sockets[0]) throw new Error('the socket broke');
      }
      close() {
        this.readyState = 3;
      }
    }
    const client = createClient({ endpoints: [websocket('ws://example.test/rt')], platform: { WebSocket: FailingSocket as unknown as typeof WebSocket }, clock, autoConnect: false, fallbackMemory: false, ...stable });
    const errors: string[] = [];
    client.lifecycle.on('error', ({ error }) => errors.push(error.message));
    let retryInMs = NaN;
    client.lifecycle.on('reconnecting', ({ delayMs }) => (retryInMs = delayMs));
    client.connect();
    const accept = (socket: FailingSocket) => {
      socket.readyState = 1;
      socket.onopen!();
      socket.onmessage!({ data: welcome() });
    };
    accept(sockets[0]!);
    const answer = client.emitWithAck('echo', 1);
    await flush();
    expect(errors).toEqual([expect.stringContaining('cannot send: Error: the socket broke')]);
    expect(client.state.status).not.toBe('open');
    clock.advance(retryInMs);
    accept(sockets[1]!);
    expect(sockets[1]!.sent.map((frame) => JSON.parse(frame) as { t: string; name?: string })).toMatchObject([{ t: 'hello' }, { t: 'event', name: 'echo' }]);
    sockets[1]!.onmessage!({ data: serverAck(1, 1, 'answer') });
    await expect(answer).resolves.toBe('answer');
    client.close();
  });

  it('leaves no timer behind once the client is closed', async () => {
    const { ws, clock, client, open } = setup(stable);
    open(ws.last);
    const answer = client.emitWithAck('echo');
    client.close();
    await expect(answer).rejects.toMatchObject({ code: 'closed' });
    expect(clock.pending).toBe(0);
  });
});

describe('the outbox report', () => {
  it('stays quiet for messages sent at once and reports what waits while disconnected', async () => {
    const { ws, clock, client, of, open } = setup(stable);
    open(ws.last);
    client.emit('sent at once');
    expect(of('outbox')).toEqual([]);
    ws.last!.drop();
    // The first was never confirmed: it waits to go out again, and the outbox says so at once.
    expect(of('outbox')).toEqual([{ size: 1, bytes: expect.any(Number) as number }]);
    client.emit('waits');
    expect(of('outbox').map(({ size }) => size)).toEqual([1, 2]);
    clock.advance(5000);
    open(ws.last, { resumed: true });
    await flush();
    expect(of('outbox').at(-1)).toEqual({ size: 0, bytes: 0 });
    expect(eventsOf(ws.last).map((event) => event.name)).toEqual(['sent at once', 'waits']);
  });

  it('applies the byte limit to what waits, not to a message that goes out at once', () => {
    const { ws, client, open } = setup({ ...stable, outbox: { maxBytes: 100 } });
    const big = 'x'.repeat(200);
    expect(() => client.emit('chat', big)).toThrowError(expect.objectContaining({ code: 'outbox-full' }) as Error);
    open(ws.last);
    expect(() => client.emit('chat', big)).not.toThrow();
    expect(eventsOf(ws.last).map((event) => event.args)).toEqual([[big]]);
  });
});
