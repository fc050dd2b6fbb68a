// node:http, Express 5 and Fastify 5 serving the same endpoint, each with its own routes beside it,
// driven by our client over WebSocket and over SSE + POST.
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import Fastify from 'fastify';
import { WebSocket as NodeWebSocket } from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient, sse, websocket, type Client } from '../../client/src/index.js';
import { fastifyPlugin, Server } from '../src/index.js';

interface ClientEvents {
  whoami(): string;
}

const platform = { WebSocket: NodeWebSocket as unknown as typeof globalThis.WebSocket };
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A server whose `whoami` answers the user `authenticate` found (from a header or a middleware's `req.user`). */
function realtime(): Server<ClientEvents, Record<string, never>, { user: string }> {
  const rt = new Server<ClientEvents, Record<string, never>, { user: string }>({
    authenticate: (req) => ({ user: (req as { user?: string }).user ?? String(new URL(req.url ?? '/', 'http://x').searchParams.get('user') ?? 'nobody') }),
  });
  rt.on('connection', (socket) => socket.on('whoami', () => socket.data.user));
  return rt;
}

async function listen(http: HttpServer): Promise<string> {
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
}

function client(url: string, kind: 'websocket' | 'sse'): Client<Record<string, never>, ClientEvents> {
  const endpoint = kind === 'websocket' ? websocket(`${url}/rt?user=ann`) : sse(`${url}/rt?user=ann`);
  const created = createClient<Record<string, never>, ClientEvents>({ endpoints: [endpoint], platform });
  cleanups.push(() => created.close());
  return created;
}

describe.each(['websocket', 'sse'] as const)('over %s', (kind) => {
  it('node:http: attach() serves /rt before the server\'s own request listener', async () => {
    const rt = realtime();
    const http = createServer((_req, res) => res.end('app'));
    rt.attach(http);
    const url = await listen(http);
    cleanups.push(() => new Promise<void>((resolve) => http.close(() => resolve())), () => rt.close());
    expect(await client(url, kind).emitWithAck('whoami')).toBe('ann');
    expect(await (await fetch(`${url}/other`)).text()).toBe('app');
  });

  it('Express 5: middleware() after the app\'s own middleware (which authenticate sees), upgrades through attach', async () => {
    const rt = realtime();
    const app = express();
    app.use((req, _res, next) => {
      if (req.headers['x-user']) (req as { user?: string }).user = String(req.headers['x-user']);
      next();
    });
    app.use(rt.middleware());
    app.get('/hello', (_req, res) => void res.json({ hello: 'express' }));
    const http = createServer(app);
    rt.attach(http, { requests: false });
    const url = await listen(http);
    cleanups.push(() => new Promise<void>((resolve) => http.close(() => resolve())), () => rt.close());
    expect(await client(url, kind).emitWithAck('whoami')).toBe('ann');
    expect(await (await fetch(`${url}/hello`)).json()).toEqual({ hello: 'express' });
    // The app's middleware ran before the endpoint: authenticate saw req.user (SSE requests pass through Express).
    const stream = await fetch(`${url}/rt?v=1`, { headers: { 'x-user': 'bob' } });
    expect(stream.status).toBe(200);
    await stream.body?.cancel();
    expect((await rt.fetchSessions()).map((session) => (session.data as { user: string }).user)).toContain('bob');
  });

  it('Fastify 5: the plugin serves /rt beside Fastify routes (bodies unparsed), and app.close() closes it', async () => {
    const rt = realtime();
    const app = Fastify();
    await app.register(fastifyPlugin(rt));
    app.get('/hello', async () => ({ hello: 'fastify' }));
    app.post('/echo', async (request) => request.body);
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    cleanups.push(() => app.close());
    const ann = client(address, kind);
    expect(await ann.emitWithAck('whoami')).toBe('ann');
    expect(await (await fetch(`${address}/hello`)).json()).toEqual({ hello: 'fastify' });
    expect(await (await fetch(`${address}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' })).json()).toEqual({ a: 1 });
    const put = await fetch(`${address}/rt`, { method: 'PUT' });
    expect(put.status).toBe(405);
    await put.body?.cancel();
    // app.close() closes the endpoint first: the client hears bye server-closing (retry) and reconnects.
    const reconnects: string[] = [];
    ann.lifecycle.on('reconnecting', ({ reason }) => void reconnects.push(reason));
    await app.close();
    cleanups.pop();
    await expect.poll(() => reconnects.length).toBeGreaterThan(0);
  });
});
