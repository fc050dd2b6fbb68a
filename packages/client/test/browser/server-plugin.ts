// Runs in Node, inside the Vite dev server of the browser tests: small real endpoints the transports
// meet in each browser (a WebSocket echo, event streams, an upstream POST sink). Same origin as the test
// page, so relative URLs and no CORS.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Plugin } from 'vite';
import { WebSocketServer } from 'ws';

const STREAM_HEADERS = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store' };

/** The fixture stream: BOM, CRLF, comments, retry, ids, a custom event name, multi-line data. */
function fixtureStream(lastEventId: string | undefined): string {
  return [
    '\uFEFF: welcome\r\nretry: 1500\r\n\r\n',
    lastEventId ? `data: resumed after ${lastEventId}\n\n` : '',
    'id: 1\r\ndata: one\r\n\r\n',
    'event: cfmlMessage\nid: 2\ndata: {"text":"hi"}\n\n',
    'data: multi\ndata: line\n\n',
  ].join('');
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const posts = new Map<string, { contentType: string | undefined; body: string; query: string }[]>();

async function handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  switch (`${req.method} ${url.pathname}`) {
    case 'GET /__sse/events':
      res.writeHead(200, STREAM_HEADERS);
      res.end(fixtureStream(req.headers['last-event-id'] as string | undefined));
      return true;
    case 'GET /__sse/live':
      // Stays open until the client goes away.
      res.writeHead(200, STREAM_HEADERS);
      res.write('data: live\n\n');
      return true;
    case 'GET /__sse/silent':
      res.writeHead(200, STREAM_HEADERS);
      res.flushHeaders();
      return true;
    case 'GET /__sse/no-content':
      res.writeHead(204).end();
      return true;
    case 'GET /__sse/busy':
      res.writeHead(503, { 'retry-after': '3' }).end('busy');
      return true;
    case 'GET /__sse/html':
      res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>login</h1>');
      return true;
    case 'GET /__closed-port':
      res.writeHead(200, { 'content-type': 'text/plain' }).end(String(await closedPort()));
      return true;
    case 'POST /__sse/post': {
      let body = '';
      for await (const chunk of req) body += String(chunk);
      const box = url.searchParams.get('box') ?? '';
      posts.set(box, [...(posts.get(box) ?? []), { contentType: req.headers['content-type'], body, query: url.search }]);
      res.writeHead(url.searchParams.get('fail') ? 500 : 200, { 'content-type': 'application/json' }).end('{}');
      return true;
    }
    case 'GET /__sse/posts':
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(posts.get(url.searchParams.get('box') ?? '') ?? []));
      return true;
    default:
      return false;
  }
}

export function transportEndpoints(): Plugin {
  return {
    name: 'unisocket-transport-endpoints',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        handle(req, res).then((handled) => handled || next(), next);
      });
      const wss = new WebSocketServer({ noServer: true });
      wss.on('connection', (socket) => {
        socket.on('message', (data, isBinary) => {
          const text = String(data);
          if (!isBinary && text.startsWith('close:')) socket.close(Number(text.slice(6)), 'asked to');
          else socket.send(data, { binary: isBinary });
        });
      });
      server.httpServer?.on('upgrade', (req, socket, head) => {
        const path = new URL(req.url ?? '/', 'http://localhost').pathname;
        if (path === '/__ws/echo') wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
        else if (path === '/__ws/refuse') socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n');
        // anything else belongs to Vite / Vitest
      });
      server.httpServer?.on('close', () => wss.close());
    },
  };
}
