import { ws, type WebSocketHandlerConnection } from 'msw';
import { describe, expect, it, vi } from 'vitest';
import { createClient, ProtocolError, type Client, type LifecycleEvents } from '../../../src/index.js';
import { createFakeClock, createFakeEnvironment } from '../../../src/testing/index.js';
import type { TransportCloseInfo } from '../../../src/transports/transport.js';
import { websocket } from '../../../src/transports/websocket.js';
import { useMswServer } from './msw-server.js';

// msw's ws.link() patches the global WebSocket (set from the `ws` package by test/setup-node.ts): the
// transport and a whole client meet a mock server speaking the envelope protocol (PROTOCOL.md) with no
// socket at all. test/unit/transports/websocket.test.ts covers the same transport against real `ws` peers.

const URL_ = 'ws://rt.test/rt';
const link = ws.link(URL_);
const { server, cleanups } = useMswServer();

type Frame = Record<string, unknown>;

/** One connection as the mock server sees it. */
interface Peer {
  client: WebSocketHandlerConnection['client'];
  /** Parsed client frames, in arrival order (unparseable ones as `{ text }`). */
  frames: Frame[];
  send(frame: Frame | string): void;
  /** Sends a sequenced server event. */
  push(name: string, args: unknown[], extra?: Frame): void;
}

/**
 * A mock envelope server: answers `hello` with `welcome` (resuming session S1 when asked to), acks
 * `echo` events with their arguments, and keeps `seq`/`rcid` across connections like a real session.
 */
function envelopeServer(options: { welcome?: boolean } = {}) {
  const peers: Peer[] = [];
  let seq = 0;
  let rcid = 0;
  server.use(
    link.addEventListener('connection', ({ client }) => {
      const send = (frame: Frame | string) => client.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
      const peer: Peer = { client, frames: [], send, push: (name, args, extra) => send({ t: 'event', seq: ++seq, name, args, ...extra }) };
      peers.push(peer);
      client.addEventListener('message', ({ data }) => {
        let frame: Frame;
        try {
          frame = JSON.parse(String(data)) as Frame;
        } catch {
          frame = { text: String(data) };
        }
        peer.frames.push(frame);
        if (frame.t === 'hello' && options.welcome !== false) {
          send({ t: 'welcome', v: 1, session: 'S1', token: 'S1.t', resumed: frame.token === 'S1.t', seq, rcid, hb: 5000 });
        } else if (frame.t === 'event' && typeof frame.cid === 'number') {
          rcid = Math.max(rcid, frame.cid);
          if (frame.name === 'echo' && frame.ack) send({ t: 'ack', seq: ++seq, cid: frame.cid, args: frame.args });
        }
      });
    }),
  );
  return peers;
}

/** A client over the mock: fake clock (backoff, timeouts), fake browser signals, every lifecycle event logged. */
function connectClient(options: { heartbeat?: false } = {}) {
  const clock = createFakeClock(1_000_000);
  const client: Client = createClient({
    endpoints: [websocket(URL_)],
    clock,
    environment: createFakeEnvironment(),
    random: () => 0.5,
    fallbackMemory: false,
    autoConnect: false,
    ...options,
  });
  const log: { type: keyof LifecycleEvents; event: unknown }[] = [];
  for (const type of ['state', 'open', 'reconnecting', 'error', 'close', 'heartbeat', 'gap'] as const) {
    client.lifecycle.on(type, (event: unknown) => log.push({ type, event }));
  }
  const of = <K extends keyof LifecycleEvents>(type: K) => log.filter((e) => e.type === type).map((e) => e.event as LifecycleEvents[K]);
  cleanups.push(() => client.close());
  client.connect();
  return { client, clock, of };
}

const opened = (client: Client) => vi.waitFor(() => expect(client.state.status).toBe('open'));

describe('websocket transport against an msw ws.link', () => {
  function open() {
    const transport = websocket(URL_).createTransport({ url: URL_, headers: {}, platform: {} });
    const events = { opened: 0, data: [] as unknown[], closes: [] as TransportCloseInfo[] };
    transport.onopen = () => events.opened++;
    transport.onmessage = (frame) => events.data.push(frame.data);
    transport.onclose = (info) => events.closes.push(info);
    cleanups.push(() => transport.close());
    transport.open();
    return { transport, events };
  }

  /** The mock side of every connection, and what each one received. */
  function mock(onConnection?: (client: WebSocketHandlerConnection['client']) => void) {
    const peers: { client: WebSocketHandlerConnection['client']; received: unknown[] }[] = [];
    server.use(
      link.addEventListener('connection', ({ client }) => {
        const peer = { client, received: [] as unknown[] };
        peers.push(peer);
        client.addEventListener('message', ({ data }) => peer.received.push(data));
        onConnection?.(client);
      }),
    );
    return peers;
  }

  it('opens, sends frames in order and receives what the server sends', async () => {
    const peers = mock();
    const { transport, events } = open();
    await vi.waitFor(() => expect(events.opened).toBe(1));
    await transport.send(['one', 'two', 'three']);
    await vi.waitFor(() => expect(peers[0]!.received).toEqual(['one', 'two', 'three']));
    peers[0]!.client.send('from server');
    await vi.waitFor(() => expect(events.data).toEqual(['from server']));
  });

  it.each([
    [1000, 'ended'],
    [1001, 'ended'],
    [1008, 'network'],
    [1011, 'network'],
    [4001, 'network'],
  ] as const)('classifies a server close with code %i as %s and reports the code', async (code, reason) => {
    const peers = mock();
    const { events } = open();
    await vi.waitFor(() => expect(events.opened).toBe(1));
    peers[0]!.client.close(code, 'bye');
    await vi.waitFor(() => expect(events.closes).toHaveLength(1));
    expect(events.closes[0]).toMatchObject({ reason, code, wasOpen: true });
  });

  it('reports a connection the server closes before it opens as refused', async () => {
    mock((client) => client.close(1011, 'no'));
    const { events } = open();
    await vi.waitFor(() => expect(events.closes).toHaveLength(1));
    expect(events.closes[0]).toMatchObject({ reason: 'refused', wasOpen: false });
    expect(events.opened).toBe(0);
  });

  it('calls nothing after close(), and the server sees the close', async () => {
    const closed: number[] = [];
    const peers = mock((client) => client.addEventListener('close', ({ code }) => closed.push(code)));
    const { transport, events } = open();
    await vi.waitFor(() => expect(events.opened).toBe(1));
    peers[0]!.client.send('in flight');
    transport.close(4000, 'done');
    await vi.waitFor(() => expect(closed).toEqual([4000]));
    await expect(transport.send(['late'])).rejects.toMatchObject({ code: 'network' });
    expect(events.data).toEqual([]);
    expect(events.closes).toEqual([]);
  });
});

describe('a client over the envelope protocol against an msw ws.link', () => {
  it('says hello, opens on welcome and resolves emitWithAck with the ack', async () => {
    const peers = envelopeServer();
    const { client, of } = connectClient();
    await opened(client);
    expect(peers[0]!.frames[0]).toEqual({ t: 'hello', v: 1 });
    expect(of('open')).toEqual([{ endpoint: `websocket ${URL_}`, transport: 'websocket', resumed: false, recovered: false }]);
    expect(client.transport).toBe('websocket');
    await expect(client.emitWithAck('echo', 'hi', 2)).resolves.toBe('hi');
    expect(peers[0]!.frames[1]).toEqual({ t: 'event', cid: 1, name: 'echo', args: ['hi', 2], ack: true });
  });

  it('sends what was emitted before welcome in order once the server has welcomed it', async () => {
    const peers = envelopeServer();
    const { client } = connectClient();
    client.emit('first', 1);
    const answer = client.emitWithAck('echo', 'second');
    client.emit('third');
    await expect(answer).resolves.toBe('second');
    await vi.waitFor(() => expect(peers[0]!.frames).toHaveLength(4));
    expect(peers[0]!.frames.map((f) => [f.t, f.cid, f.name])).toEqual([
      ['hello', undefined, undefined],
      ['event', 1, 'first'],
      ['event', 2, 'echo'],
      ['event', 3, 'third'],
    ]);
  });

  it('delivers pushed events in order, answers the server’s ack request and reports pings', async () => {
    const peers = envelopeServer();
    const { client, of } = connectClient();
    const seen: unknown[] = [];
    client.on('chat', (message: unknown) => seen.push(message));
    client.on('question', (n: number) => n * 2);
    await opened(client);
    const peer = peers[0]!;
    peer.push('chat', [{ text: 'a' }]);
    peer.push('chat', [{ text: 'b' }]);
    peer.push('question', [21], { ack: 7 });
    peer.send({ t: 'ping', rcid: 0 });
    await vi.waitFor(() => expect(peer.frames).toContainEqual({ t: 'ack', ack: 7, args: [42] }));
    expect(seen).toEqual([{ text: 'a' }, { text: 'b' }]);
    expect(of('heartbeat')).toHaveLength(1);
  });

  it('reports a malformed frame as a ProtocolError and keeps the connection open', async () => {
    const peers = envelopeServer();
    const { client, of } = connectClient();
    await opened(client);
    const peer = peers[0]!;
    peer.send('not json{');
    peer.send({ t: 'event', seq: 1 }); // no name
    peer.send({ t: 'error', code: 'unknown-event', message: 'no such event' });
    await vi.waitFor(() => expect(of('error')).toHaveLength(3));
    const errors = of('error').map((e) => e.error);
    for (const error of errors) expect(error).toBeInstanceOf(ProtocolError);
    expect(errors.map((e) => e.code)).toEqual(['bad-json', 'bad-frame', 'server-error']);
    expect((errors[0] as ProtocolError).frame).toBe('not json{');
    // the same connection still works
    await expect(client.emitWithAck('echo', 'still here')).resolves.toBe('still here');
    expect(client.state.status).toBe('open');
    expect(peers).toHaveLength(1);
    expect(of('close')).toEqual([]);
  });

  it('treats a normal close (1000) as ended: reconnects after the backoff delay and resumes the session', async () => {
    const peers = envelopeServer();
    const { client, clock, of } = connectClient({ heartbeat: false });
    const seen: unknown[] = [];
    client.on('chat', (text: unknown) => seen.push(text));
    await opened(client);
    peers[0]!.push('chat', ['before']);
    await vi.waitFor(() => expect(seen).toEqual(['before']));
    clock.advance(2000); // a stable connection, so the close is routine
    peers[0]!.client.close(1000, 'restart');
    await vi.waitFor(() => expect(client.state.status).toBe('reconnecting'));
    expect(of('close')).toEqual([expect.objectContaining({ reason: 'ended', terminal: false })]);
    expect(of('close')[0]!.error).toMatchObject({ code: 'server-closed' });
    const [{ delayMs }] = of('reconnecting') as [LifecycleEvents['reconnecting']];
    expect(delayMs).toBeGreaterThan(0);
    clock.advance(delayMs - 1);
    expect(peers).toHaveLength(1); // nothing before the backoff delay
    clock.advance(1);
    await opened(client);
    expect(peers).toHaveLength(2);
    expect(peers[1]!.frames[0]).toEqual({ t: 'hello', v: 1, token: 'S1.t', lastSeq: 1 });
    expect(of('open')[1]).toMatchObject({ resumed: true, recovered: true });
    expect(of('gap')).toEqual([]);
  });

  it('treats a policy close (1008) as terminal: closed as unauthorized, pending requests rejected, no reconnect', async () => {
    const peers = envelopeServer();
    const { client, clock, of } = connectClient({ heartbeat: false });
    await opened(client);
    const rejected = expect(client.timeout(Infinity).emitWithAck('never-acked')).rejects.toMatchObject({ name: 'RequestError', code: 'closed' });
    peers[0]!.client.close(1008, 'token expired');
    await vi.waitFor(() => expect(client.state.status).toBe('closed'));
    expect(client.state).toMatchObject({ status: 'closed', reason: 'network', error: { name: 'ConnectionError', code: 'unauthorized' } });
    expect(of('close')).toEqual([expect.objectContaining({ terminal: true })]);
    await rejected;
    clock.advance(60_000);
    expect(peers).toHaveLength(1);
    expect(of('reconnecting')).toEqual([]);
  });

  it('treats a policy close before welcome as terminal too', async () => {
    server.use(link.addEventListener('connection', ({ client }) => client.addEventListener('message', () => client.close(1008, 'no token'))));
    const { client, clock, of } = connectClient({ heartbeat: false });
    await vi.waitFor(() => expect(client.state.status).toBe('closed'));
    expect(client.state).toMatchObject({ reason: 'network', error: { code: 'unauthorized' } });
    expect(of('open')).toEqual([]);
    clock.advance(60_000);
    expect(of('reconnecting')).toEqual([]);
  });

  it('ends the session on a bye without retry', async () => {
    const peers = envelopeServer();
    const { client, of } = connectClient({ heartbeat: false });
    await opened(client);
    peers[0]!.send({ t: 'bye', code: 'replaced', message: 'the session moved', retry: false });
    await vi.waitFor(() => expect(client.state.status).toBe('closed'));
    expect(client.state).toMatchObject({ reason: 'server-closed', error: { code: 'server-closed' } });
    expect(of('close')).toEqual([expect.objectContaining({ reason: 'server-closed', terminal: true })]);
  });
});
