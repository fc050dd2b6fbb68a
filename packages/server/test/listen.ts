import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface Listening {
  url: string;
  port: number;
  http: HttpServer;
  /** Destroys every TCP connection (upgraded ones too), as a network failure would. */
  cutConnections(): void;
  close(): Promise<void>;
}

/** Attaches `rt` to a new HTTP server on a free loopback port. */
export async function listen(rt: { attach(http: HttpServer): unknown; close(): Promise<void> }): Promise<Listening> {
  const http = createServer();
  const sockets = new Set<Socket>();
  http.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  rt.attach(http);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    http,
    cutConnections: () => {
      for (const socket of sockets) socket.destroy();
    },
    async close() {
      await rt.close();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
