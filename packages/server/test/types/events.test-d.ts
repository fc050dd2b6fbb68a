// One pair of event interfaces types both sides: the client (`connect<ServerEvents, ClientEvents>`)
// and the server (`new Server<ClientEvents, ServerEvents>`). A wrong payload fails to compile on each.
import { describe, expectTypeOf, it } from 'vitest';
import { connect } from '../../../client/src/index.js';
import { Server, type SessionInfo, type Socket } from '../../src/index.js';

interface ClientEvents {
  join(room: string, nick?: string): { room: string; members: string[] };
  chat(message: { text: string }): void;
}

interface ServerEvents {
  chat(message: { text: string; from: string }): void;
  question(n: number): number;
}

describe('one pair of event maps types both sides', () => {
  it('types the client against them', () => {
    const client = connect<ServerEvents, ClientEvents>('http://x');
    client.emit('chat', { text: 'hi' });
    // @ts-expect-error: a wrong payload on the client
    client.emit('chat', { body: 'hi' });
    expectTypeOf(client.emitWithAck('join', 'lobby')).toEqualTypeOf<Promise<{ room: string; members: string[] }>>();
    client.on('chat', (message) => expectTypeOf(message).toEqualTypeOf<{ text: string; from: string }>());
  });

  it('types server handlers: arguments, and the ack answer they return', () => {
    const rt = new Server<ClientEvents, ServerEvents, { nick: string }>();
    rt.on('connection', (socket) => {
      expectTypeOf(socket).toEqualTypeOf<Socket<ClientEvents, ServerEvents, { nick: string }>>();
      socket.on('join', (room, nick) => {
        expectTypeOf(room).toEqualTypeOf<string>();
        expectTypeOf(nick).toEqualTypeOf<string | undefined>();
        return { room, members: [socket.data.nick] };
      });
      socket.on('join', async (room) => ({ room, members: [] }));
      // @ts-expect-error: the ack answer has the wrong shape
      socket.on('join', (room) => ({ room }));
      // @ts-expect-error: a handler parameter of the wrong type
      socket.on('chat', (message: string) => message);
      // @ts-expect-error: an event the client never sends
      socket.on('leave', () => undefined);
    });
  });

  it('types server emits: a wrong payload fails on the server too', () => {
    const rt = new Server<ClientEvents, ServerEvents>();
    void rt.to('lobby').emit('chat', { text: 'hi', from: 'ann' });
    // @ts-expect-error: a wrong payload on the server
    void rt.to('lobby').emit('chat', { text: 'hi' });
    // @ts-expect-error: an event the client does not listen to
    void rt.emit('nope');
    expectTypeOf(rt.emit('chat', { text: 'x', from: 'y' })).toEqualTypeOf<Promise<number>>();
    expectTypeOf(rt.in('lobby').fetchSessions()).toEqualTypeOf<Promise<SessionInfo[]>>();
    rt.on('connection', (socket) => {
      socket.emit('chat', { text: 'x', from: 'y' });
      // @ts-expect-error: a wrong payload to one session
      socket.emit('chat', 'x');
      expectTypeOf(socket.timeout(1000).emitWithAck('question', 1)).toEqualTypeOf<Promise<number>>();
      // @ts-expect-error: a wrong argument for the question
      void socket.emitWithAck('question', 'one');
      void socket.to('lobby').emit('chat', { text: 'x', from: 'y' });
    });
  });

  it('defaults to untyped maps', () => {
    const rt = new Server();
    rt.on('connection', (socket) => {
      socket.on('anything', (...args) => args.length);
      socket.emit('whatever', 1, 'two');
    });
  });
});
