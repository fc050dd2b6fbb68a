import { EventError, type Server, type Socket } from '@unisocket/server';

/** Client → server events of the harness chat (PROTOCOL.md, "Harness application events"). */
export interface ChatClientEvents {
  echo(...args: unknown[]): unknown;
  join(room: string, nick?: string): { room: string; members: string[] };
  chat(message: { text: string; [field: string]: unknown }): { ok: boolean };
  nick(nick: string): { nick: string };
}

/** Server → client events of the harness chat. */
export interface ChatServerEvents {
  presence(presence: { room: string; nick: string; joined: boolean; members: string[] }): void;
  chat(message: { text: string; from: string; room: string; at: number; [field: string]: unknown }): void;
  /** Anything `POST /rt/push` sends. */
  [pushed: string]: (...args: any[]) => void; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** What the chat keeps per session (`socket.data`). */
export interface ChatData {
  nick: string;
  room?: string;
}

export type ChatServer = Server<ChatClientEvents, ChatServerEvents, ChatData>;
type ChatSocket = Socket<ChatClientEvents, ChatServerEvents, ChatData>;

/**
 * The harness's small chat application on `/rt`, written against the public `@unisocket/server` API as
 * any application would: `echo`, `join`, `chat`, `nick`, and `presence` when a session joins or leaves
 * a room (leaving: a `join` elsewhere, or the session's end).
 */
export function installChatApp(rt: ChatServer, now: () => number = Date.now): void {
  let guests = 0;

  // `self`: the session whose handler is running. Its `data` is saved when the handler is over, so on a
  // shared adapter (Redis) the list would still show the nick it had before this handler changed it.
  const members = async (room: string, self?: ChatSocket) =>
    (await rt.in(room).fetchSessions()).map((member) => (member.id === self?.id ? self.data.nick : (member.data as ChatData).nick));

  /** Leaves the current room and tells the ones still in it. */
  async function leave(socket: ChatSocket): Promise<void> {
    const room = socket.data.room;
    if (room === undefined) return;
    socket.data.room = undefined;
    socket.leave(room);
    const left = await members(room);
    if (left.length > 0) void rt.to(room).emit('presence', { room, nick: socket.data.nick, joined: false, members: left });
  }

  rt.on('connection', (socket) => {
    socket.data.nick ??= `guest-${++guests}`;

    // An ack carries one value: the first argument comes back.
    socket.on('echo', (...args) => args[0]);

    socket.on('join', async (room, nick) => {
      if (typeof room !== 'string' || room === '') throw new EventError('bad-args', 'join needs a room name: join(room, nick?)');
      if (nick !== undefined && (typeof nick !== 'string' || nick === '')) throw new EventError('bad-args', 'join: nick must be a non-empty string');
      if (nick !== undefined) socket.data.nick = nick;
      if (socket.data.room !== room) {
        const previous = leave(socket);
        // Joined at once (not after an await): an event sent right after `join` finds the session in the room.
        socket.data.room = room;
        socket.join(room);
        await previous;
        void rt.to(room).emit('presence', { room, nick: socket.data.nick, joined: true, members: await members(room, socket) });
      }
      return { room, members: await members(room, socket) };
    });

    socket.on('chat', (message) => {
      if (typeof message !== 'object' || message === null || typeof message.text !== 'string') throw new EventError('bad-args', 'chat needs { text: string }');
      const room = socket.data.room;
      if (room === undefined) throw new EventError('not-in-room', 'join a room before chatting');
      void rt.to(room).emit('chat', { ...message, from: socket.data.nick, room, at: now() });
      return { ok: true };
    });

    socket.on('nick', (nick) => {
      if (typeof nick !== 'string' || nick === '') throw new EventError('bad-args', 'nick needs a non-empty string');
      socket.data.nick = nick;
      return { nick };
    });
  });

  // A session that moved to another node, or whose node shuts down (its client moves on), goes on: no one left.
  rt.on('disconnect', (socket, reason) => reason !== 'moved' && reason !== 'server-closing' && void leave(socket));
}
