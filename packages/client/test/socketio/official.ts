// The official socket.io-client against the same servers, for comparison: 4.x for socket.io 3/4
// servers, 2.x (socket.io-client-v2) for socket.io 2 servers. Only what the comparisons use.
import { createRequire } from 'node:module';
import { io } from 'socket.io-client';
import type { SocketIoVersion } from './servers.js';

const require = createRequire(import.meta.url);

export interface OfficialSocket {
  readonly id: string | undefined;
  readonly connected: boolean;
  on(event: string, listener: (...args: never[]) => void): void;
  emit(event: string, ...args: unknown[]): void;
  close(): void;
}

export interface OfficialOptions {
  /** false: share the Manager of an earlier client of the same URL (socket.io-client's default). @default true */
  forceNew?: boolean;
  transports?: string[];
  path?: string;
  reconnection?: boolean;
  /** socket.io-client 2: the query of the Engine.IO handshake (and of a namespace's CONNECT). */
  query?: Record<string, string>;
  /** socket.io-client 4: the CONNECT payload. */
  auth?: Record<string, unknown>;
}

const opened: OfficialSocket[] = [];

/** The official client of the generation that `version` servers were made for. */
export function officialClient(version: SocketIoVersion, url: string, options: OfficialOptions = {}): OfficialSocket {
  const connect = version == 2 ? (require('socket.io-client-v2') as (url: string, options: object) => OfficialSocket) : io;
  const socket = connect(url, { forceNew: true, ...options }) as OfficialSocket;
  opened.push(socket);
  return socket;
}

/** Resolves with the first arguments of `event` on `socket`. */
export const nextOf = (socket: OfficialSocket, event: string): Promise<unknown[]> =>
  new Promise((resolve) => socket.on(event, (...args: unknown[]) => resolve(args)));

/** The event socket.io-client reports a refused namespace with: `error` in 2.x, `connect_error` since 3. */
export const refusalEvent = (version: SocketIoVersion): string => (version == 2 ? 'error' : 'connect_error');

export function closeOfficial(): void {
  for (const socket of opened.splice(0)) socket.close();
}
