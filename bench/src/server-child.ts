// One server node of the `server` group in its own process (child/serve.ts answers the parent):
// a bare `ws` server, socket.io 4 (its default in-memory adapter, or @socket.io/redis-streams-adapter
// on a Redis), or @unisocket/server (memory adapter, or Redis). Every connection joins the room
// `bench` as it connects; `broadcast` sends `count` messages to that room from this node; `held` counts
// the clients it keeps anything of (the server group checks that its warm-up left none).
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { Server as UnisocketServer } from '@unisocket/server';
import { redisAdapter } from '@unisocket/server/redis';
import { createClient } from 'redis';
import { Server as SocketIoServer } from 'socket.io';
import { WebSocketServer, type WebSocket } from 'ws';
import { serveParent, type ServedChild } from './child/serve.js';

export type ServerKind = 'ws' | 'socketio' | 'socketio-redis' | 'unisocket' | 'unisocket-redis';

export interface ServerChildOptions {
  kind: ServerKind;
  /** `redis://HOST:PORT` for the kinds that need one. */
  redisUrl?: string;
}

/** `broadcast` request: `count` messages, each `{ text }`, to every connection in the room. */
export interface BroadcastRequest {
  count: number;
  text: string;
}

/** Sends what `emit` needs to the room, `count` times, yielding to I/O between messages. */
type Broadcast = (request: BroadcastRequest) => Promise<void> | void;

/** One server as the bench drives it. */
interface BenchServer {
  broadcast: Broadcast;
  /** Clients the server still keeps anything of: connections, sockets, sessions (detached ones included). */
  held(): Promise<number> | number;
  close(): Promise<void>;
}

const ROOM = 'bench';

function listen(http: HttpServer): Promise<string> {
  return new Promise((resolve, reject) => {
    http.once('error', reject);
    http.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(http.address() as AddressInfo).port}`));
  });
}

const closeHttp = (http: HttpServer) =>
  new Promise<void>((resolve) => {
    http.closeAllConnections();
    http.close(() => resolve());
  });

async function bareWs(http: HttpServer): Promise<BenchServer> {
  const room = new Set<WebSocket>();
  const server = new WebSocketServer({ server: http });
  server.on('connection', (socket) => {
    room.add(socket);
    socket.on('close', () => room.delete(socket));
  });
  return {
    broadcast({ count, text }) {
      for (let i = 0; i < count; i++) {
        const frame = JSON.stringify({ name: 'bench', args: [{ text }] });
        for (const socket of room) socket.send(frame);
      }
    },
    held: () => room.size,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function socketIo(http: HttpServer, redisUrl: string | undefined): Promise<BenchServer> {
  const redis = redisUrl ? createClient({ url: redisUrl }) : undefined;
  await redis?.connect();
  const io = new SocketIoServer(http, redis ? { adapter: createAdapter(redis) } : {});
  io.on('connection', (socket) => void socket.join(ROOM));
  return {
    broadcast({ count, text }) {
      for (let i = 0; i < count; i++) io.to(ROOM).emit('bench', { text });
    },
    held: () => Math.max(io.engine.clientsCount, io.of('/').sockets.size, io.of('/').adapter.rooms.get(ROOM)?.size ?? 0),
    async close() {
      await io.close();
      await redis?.close();
    },
  };
}

async function unisocket(http: HttpServer, redisUrl: string | undefined): Promise<BenchServer> {
  const redis = redisUrl ? createClient({ url: redisUrl }) : undefined;
  redis?.on('error', () => undefined);
  await redis?.connect();
  // The failover trials connect from the bench page, another origin.
  const server = new UnisocketServer({ cors: { origin: '*' }, ...(redis && { adapter: redisAdapter(redis) }) }).attach(http);
  server.on('connection', (socket) => socket.join(ROOM));
  return {
    async broadcast({ count, text }) {
      const sent: Promise<number>[] = [];
      for (let i = 0; i < count; i++) sent.push(server.to(ROOM).emit('bench', { text }));
      await Promise.all(sent);
    },
    // Every session the adapter keeps, attached or detached (the memory adapter keeps a detached one for its TTL).
    held: async () => (await server.fetchSessions()).length,
    async close() {
      await server.close();
      await redis?.close();
    },
  };
}

const SERVERS: Record<ServerKind, (http: HttpServer, redisUrl: string | undefined) => Promise<BenchServer>> = {
  ws: bareWs,
  socketio: (http) => socketIo(http, undefined),
  'socketio-redis': socketIo,
  unisocket: (http) => unisocket(http, undefined),
  'unisocket-redis': unisocket,
};

serveParent<ServerChildOptions>(async ({ kind, redisUrl }): Promise<ServedChild> => {
  const http = createServer();
  const server = await SERVERS[kind](http, redisUrl);
  const url = await listen(http);
  return {
    url,
    handle(type, payload) {
      if (type === 'broadcast') return server.broadcast(payload as BroadcastRequest);
      if (type === 'cpu') return process.cpuUsage();
      if (type === 'held') return server.held();
      throw new Error(`unknown request ${type}`);
    },
    async close() {
      await server.close();
      await closeHttp(http);
    },
  };
});
