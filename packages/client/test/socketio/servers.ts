// Real socket.io servers of each major version (2.x: Engine.IO v3; 3.x and 4.x: Engine.IO v4), side by
// side as npm aliases, on an OS-assigned port, for the tests of what breaks against servers in the field.
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo, Socket as TcpSocket } from 'node:net';
import { createRequire } from 'node:module';
import { afterEach } from 'vitest';
import { closeAll } from './helpers.js';
import { closeOfficial } from './official.js';

const require = createRequire(import.meta.url);

export type SocketIoVersion = 2 | 3 | 4;

/** What the tests use of a server socket, the same in every version. */
export interface ServerSocket {
  readonly id: string;
  readonly recovered?: boolean;
  readonly handshake: { query: Record<string, unknown>; auth?: Record<string, unknown> };
  readonly rooms: Set<string> | Record<string, string>;
  readonly volatile: ServerSocket;
  readonly conn: { close(): void; transport: { name: string } };
  on(event: string, listener: (...args: never[]) => void): void;
  emit(event: string, ...args: unknown[]): void;
  join(room: string): void;
  disconnect(close?: boolean): void;
}

export interface ServerNamespace {
  on(event: 'connection', listener: (socket: ServerSocket) => void): void;
  use(middleware: (socket: ServerSocket, next: (error?: Error) => void) => void): void;
  to(room: string): { emit(event: string, ...args: unknown[]): void };
  emit(event: string, ...args: unknown[]): void;
}

export interface VersionedServer {
  version: SocketIoVersion;
  /** `http://127.0.0.1:PORT` */
  url: string;
  of(name: string): ServerNamespace;
  /** Engine.IO connections opened so far (each handshake). */
  readonly handshakes: number;
  /** Engine.IO connections open now. */
  readonly connections: number;
  /** Destroys every TCP connection (a network drop): sessions survive on the server as they would. */
  drop(): void;
  close(): Promise<void>;
}

export interface VersionedServerOptions {
  path?: string;
  maxHttpBufferSize?: number;
  pingInterval?: number;
  pingTimeout?: number;
  /** socket.io 4 only. */
  connectionStateRecovery?: { maxDisconnectionDuration: number };
  transports?: ('polling' | 'websocket')[];
  /** WebSocket upgrades are never answered (a proxy that hangs them). */
  hangWebSocket?: boolean;
}

/** A real socket.io `version` server on a free port. */
export async function startServer(version: SocketIoVersion, options: VersionedServerOptions = {}): Promise<VersionedServer> {
  const http: HttpServer = createServer();
  const tcp = new Set<TcpSocket>();
  http.on('connection', (socket) => {
    tcp.add(socket);
    socket.on('close', () => tcp.delete(socket));
  });
  const io =
    version == 2
      ? (require('socket.io-v2') as (http: HttpServer, options: object) => IoServer)(http, { ...options, serveClient: false })
      : new (require(version == 3 ? 'socket.io-v3' : 'socket.io-v4') as { Server: new (http: HttpServer, options: object) => IoServer }).Server(http, {
          ...options,
          serveClient: false,
        });
  if (options.hangWebSocket) {
    http.removeAllListeners('upgrade');
    http.on('upgrade', () => undefined);
  }
  let handshakes = 0;
  io.engine.on('connection', () => handshakes++);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    version,
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    of: (name) => io.of(name),
    get handshakes() {
      return handshakes;
    },
    get connections() {
      return io.engine.clientsCount;
    },
    drop() {
      for (const socket of tcp) socket.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of tcp) socket.destroy();
        io.close(() => resolve());
        // socket.io 2 calls back only when the http server was listening; make sure either way.
        http.close(() => resolve());
      }),
  };
}

interface IoServer {
  engine: { on(event: 'connection', listener: () => void): void; clientsCount: number };
  of(name: string): ServerNamespace;
  close(callback?: () => void): void;
}

export const VERSIONS: SocketIoVersion[] = [2, 3, 4];

/**
 * Starts servers for the tests of a file: after each test every server it started is closed, with the
 * clients the test opened (ours through `connectTo`, and socket.io-client's).
 */
export function serversPerTest(): (version: SocketIoVersion, options?: VersionedServerOptions) => Promise<VersionedServer> {
  const started: VersionedServer[] = [];
  afterEach(async () => {
    closeAll();
    closeOfficial();
    await Promise.all(started.splice(0).map((server) => server.close()));
  });
  return async (version, options) => {
    const server = await startServer(version, options);
    started.push(server);
    return server;
  };
}
