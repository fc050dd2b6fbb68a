import { describe, expectTypeOf, it } from 'vitest';
import {
  connect,
  connectSocketIo,
  createClient,
  socketIoManager,
  type Client,
  type ClientOptions,
  type ConnectionState,
  type LifecycleEvents,
  type RawData,
  type RequestError,
} from '../../src/index.js';
import { createFakeEndpoint } from '../../src/testing/index.js';

interface ServerEvents {
  chat(message: { text: string; from: string }): void;
  question(n: number): number;
}

interface ClientEvents {
  chat(message: { text: string }): void;
  join(room: string, nick?: string): { room: string; members: string[] };
  echo(value: number): Promise<number>;
}

declare const client: Client<ServerEvents, ClientEvents>;

describe('Client typing', () => {
  it('accepts interfaces as event maps', () => {
    expectTypeOf(connect<ServerEvents, ClientEvents>('http://x')).toEqualTypeOf<Client<ServerEvents, ClientEvents>>();
    expectTypeOf(createClient<ServerEvents, ClientEvents>({ endpoints: [createFakeEndpoint()] })).toEqualTypeOf<Client<ServerEvents, ClientEvents>>();
  });

  it('types listeners from the In map', () => {
    client.on('chat', (message) => {
      expectTypeOf(message).toEqualTypeOf<{ text: string; from: string }>();
    });
    // @ts-expect-error: an undeclared event
    client.on('nope', () => undefined);
    // @ts-expect-error: wrong listener parameter type
    client.on('chat', (message: string) => message);
    expectTypeOf(client.on('chat', () => undefined)).toEqualTypeOf<() => void>();
  });

  it('types the answer a listener gives to a server ack request', () => {
    client.on('question', (n) => n * 2);
    // @ts-expect-error: the ack answer must be a number
    client.on('question', (n: number) => String(n));
  });

  it('types raw messages on "message" when the map does not declare it', () => {
    client.on('message', (data) => {
      expectTypeOf(data).toEqualTypeOf<RawData>();
    });
  });

  it('checks emit arguments against the Out map', () => {
    client.emit('chat', { text: 'hi' });
    client.emit('join', 'room');
    client.emit('join', 'room', 'nick');
    // @ts-expect-error: missing argument
    client.emit('chat');
    // @ts-expect-error: wrong argument type
    client.emit('join', 42);
    // @ts-expect-error: too many arguments
    client.emit('chat', { text: 'hi' }, 'extra');
    // @ts-expect-error: undeclared event
    client.emit('leave');
  });

  it('resolves emitWithAck to the return type of the Out signature', () => {
    expectTypeOf(client.emitWithAck('join', 'room')).toEqualTypeOf<Promise<{ room: string; members: string[] }>>();
    expectTypeOf(client.emitWithAck('echo', 1)).toEqualTypeOf<Promise<number>>();
    expectTypeOf(client.timeout(100).withSignal(new AbortController().signal).emitWithAck('join', 'r')).toEqualTypeOf<
      Promise<{ room: string; members: string[] }>
    >();
    // @ts-expect-error: a timeout is never an argument
    client.emitWithAck('echo', 1, { timeout: 5 });
  });

  it('defaults to untyped maps', () => {
    const loose = createClient({ endpoints: [createFakeEndpoint()] });
    loose.emit('anything', 1, 'two', { three: 3 });
    loose.on('whatever', (...args) => expectTypeOf(args).toEqualTypeOf<any[]>()); // eslint-disable-line @typescript-eslint/no-explicit-any
    expectTypeOf(loose.emitWithAck('x')).toEqualTypeOf<Promise<any>>(); // eslint-disable-line @typescript-eslint/no-explicit-any
  });

  it('exposes read-only state and a typed lifecycle channel', () => {
    expectTypeOf(client.state).toEqualTypeOf<ConnectionState>();
    // @ts-expect-error: read-only
    client.state = { status: 'idle' };
    client.lifecycle.on('reconnecting', (event) => {
      expectTypeOf(event).toEqualTypeOf<LifecycleEvents['reconnecting']>();
      expectTypeOf(event.delayMs).toEqualTypeOf<number>();
    });
    client.lifecycle.on('state', ({ to }) => {
      if (to.status === 'reconnecting') expectTypeOf(to.attempt).toEqualTypeOf<number>();
    });
    // @ts-expect-error: unknown lifecycle event
    client.lifecycle.on('connect_error', () => undefined);
    expectTypeOf(client.lifecycle.on('open', () => undefined)).toEqualTypeOf<() => void>();
  });

  it('checks options', () => {
    expectTypeOf<ClientOptions['backoff']>().toMatchTypeOf<{ maxDelayMs?: number } | undefined>();
    // @ts-expect-error: endpoints are required
    createClient({});
    // @ts-expect-error: unknown overflow policy
    createClient({ endpoints: [], outbox: { overflow: 'drop-newest' } });
    // @ts-expect-error: heartbeat is an object or false
    createClient({ endpoints: [], heartbeat: true });
    connectSocketIo('http://x', { eio: 3, backoff: { maxDelayMs: 1000 } });
    // @ts-expect-error: connect() speaks the envelope; Socket.IO is connectSocketIo()
    connect('http://x', { protocol: 'socket.io' });
  });

  it('types the listeners of every event by the maps: the name narrows the arguments', () => {
    client.onAny((...call) => {
      if (call[0] === 'chat') expectTypeOf(call[1]).toEqualTypeOf<{ text: string; from: string }>();
      if (call[0] === 'question') expectTypeOf(call[1]).toEqualTypeOf<number>();
    });
    client.prependAny((event) => expectTypeOf(event).toEqualTypeOf<'chat' | 'question'>());
    client.onAny((event, ...args) => args.length);
    client.onAnyOutgoing((event) => expectTypeOf(event).toEqualTypeOf<'chat' | 'join' | 'echo'>());
    expectTypeOf(client.onAny(() => undefined)).toEqualTypeOf<() => void>();
    client.offAny();
    client.offAnyOutgoing();
    // @ts-expect-error: the first argument is an event name of the In map
    client.onAny((event: number) => event);
  });

  it('types id, connected, recovered and volatile emits', () => {
    expectTypeOf(client.id).toEqualTypeOf<string | undefined>();
    expectTypeOf(client.connected).toEqualTypeOf<boolean>();
    expectTypeOf(client.recovered).toEqualTypeOf<boolean>();
    client.volatile.emit('chat', { text: 'hi' });
    // @ts-expect-error: checked against the Out map like emit
    client.volatile.emit('join', 42);
    // @ts-expect-error: read-only
    client.connected = true;
  });

  it('types the clients of a Socket.IO manager by the maps given to socket()', () => {
    const manager = socketIoManager('http://x', { eio: 4, backoff: { maxDelayMs: 1000 } });
    expectTypeOf(manager.socket<ServerEvents, ClientEvents>('/chat', { auth: { token: 't' } })).toEqualTypeOf<Client<ServerEvents, ClientEvents>>();
    // @ts-expect-error: the namespace is socket()'s argument, not an option
    socketIoManager('http://x', { namespace: '/chat' });
  });

  it('types request errors with a code union', () => {
    expectTypeOf<RequestError['code']>().toExtend<string>();
    expectTypeOf<'ack-timeout'>().toExtend<RequestError['code']>();
  });
});
