// The protocol's edges with raw peers (`ws`, `fetch`, a TCP socket that stops reading): auth, origins,
// tokens, limits, slow consumers and shutdown.
import { once } from 'node:events';
import { connect as tcpConnect, type Socket as TcpSocket } from 'node:net';
import { WebSocket } from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { AuthError, Server, type ServerOptions } from '../src/index.js';
import { helloSse, helloWs, openSse, postFrames, type SsePeer, type WsPeer } from './helpers.js';
import { listen, type Listening } from './listen.js';

let running: Listening | undefined;
const wsPeers: WsPeer[] = [];
const ssePeers: SsePeer[] = [];
const tcpPeers: TcpSocket[] = [];

afterEach(async () => {
  for (const peer of wsPeers.splice(0)) peer.ws.terminate();
  for (const peer of ssePeers.splice(0)) peer.close();
  for (const socket of tcpPeers.splice(0)) socket.destroy();
  await running?.close();
  running = undefined;
});

async function start(options: ServerOptions = {}, setup: (rt: Server) => void = () => undefined): Promise<{ rt: Server; url: string; wsUrl: string; logs: string[] }> {
  const logs: string[] = [];
  const rt = new Server({ log: (line) => logs.push(line), ...options });
  rt.on('error', () => undefined);
  setup(rt);
  running = await listen(rt);
  return { rt, url: running.url, wsUrl: `${running.url.replace('http', 'ws')}/rt`, logs };
}

/** The status line of a WebSocket upgrade's answer (101, or the refusal). */
function upgradeStatus(wsUrl: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl, { headers });
    ws.on('upgrade', (response) => {
      resolve(response.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      response.resume();
    });
    ws.on('error', (error) => (error.message.includes('Unexpected server response') ? undefined : reject(error)));
  });
}

describe('authenticate', () => {
  const auth: ServerOptions['authenticate'] = (req) => {
    const key = new URL(req.url ?? '/', 'http://x').searchParams.get('key') ?? req.headers.authorization;
    if (key === 'banned') throw new AuthError(403, 'banned');
    if (key !== 'ok') return false;
    return { user: 'ann' };
  };

  it('refuses the WebSocket upgrade with 401 / 403 instead of 101, and accepts a good credential', async () => {
    const { wsUrl } = await start({ authenticate: auth });
    expect(await upgradeStatus(wsUrl)).toBe(401);
    expect(await upgradeStatus(`${wsUrl}?key=banned`)).toBe(403);
    expect(await upgradeStatus(wsUrl, { authorization: 'ok' })).toBe(101);
  });

  it('refuses the SSE stream with 401 / 403 and a JSON error, and opens it for a good credential', async () => {
    const { url } = await start({ authenticate: auth });
    const refused = await fetch(`${url}/rt?v=1`);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({ error: { code: 'unauthorized', message: 'authentication required' } });
    expect((await fetch(`${url}/rt?v=1&key=banned`)).status).toBe(403);
    const { welcome, peer } = await helloSse(url, '&key=ok');
    ssePeers.push(peer);
    expect(welcome).toMatchObject({ t: 'welcome', resumed: false });
  });

  it('runs on every resume too: a session whose credential was revoked cannot be resumed', async () => {
    let allowed = true;
    const seen: unknown[] = [];
    const { url, wsUrl } = await start({ authenticate: () => (allowed ? { user: 'ann' } : false) }, (rt) =>
      rt.on('connection', (socket) => void seen.push(socket.data)),
    );
    const first = await helloWs(wsUrl);
    wsPeers.push(first.peer);
    expect(seen).toEqual([{ user: 'ann' }]);
    first.peer.ws.terminate();
    allowed = false;
    expect(await upgradeStatus(wsUrl)).toBe(401);
    expect((await fetch(`${url}/rt?v=1&sessionToken=${String(first.welcome['token'])}&lastSeq=0`)).status).toBe(401);
    allowed = true;
    const again = await helloWs(wsUrl, { token: first.welcome['token'], lastSeq: 0 });
    wsPeers.push(again.peer);
    expect(again.welcome).toMatchObject({ resumed: true, session: first.welcome['session'] });
  });

  it('answers 500 (not a crash, not unauthorized) when authenticate itself fails', async () => {
    const { wsUrl, url } = await start({
      authenticate: () => {
        throw new Error('database down');
      },
    });
    expect(await upgradeStatus(wsUrl)).toBe(500);
    const answer = await fetch(`${url}/rt?v=1`);
    expect(answer.status).toBe(500);
    expect(JSON.stringify(await answer.json())).not.toContain('database');
  });
});

describe('the resume token', () => {
  it('never resumes with the public id, a wrong secret or a malformed token, and POST needs the token', async () => {
    const { url, wsUrl } = await start();
    const { peer, welcome } = await helloWs(wsUrl);
    wsPeers.push(peer);
    const id = String(welcome['session']);
    const token = String(welcome['token']);
    expect(token.startsWith(`${id}.`)).toBe(true);
    expect(token.length).toBeGreaterThanOrEqual(id.length + 1 + 22); // 128-bit secret
    for (const guess of [id, `${id}.AAAAAAAAAAAAAAAAAAAAAA`, `${id}.`, 'x'.repeat(500)]) {
      const other = await helloWs(wsUrl, { token: guess, lastSeq: 0 });
      wsPeers.push(other.peer);
      expect(other.welcome).toMatchObject({ resumed: false });
      expect(other.welcome['session']).not.toBe(id);
      expect((await postFrames(url, guess, [])).status).toBe(404);
    }
    expect(await postFrames(url, token, [])).toEqual({ status: 200, json: { rcid: 0 } });
    // The session itself was left alone: it still resumes with the real token.
    const real = await helloWs(wsUrl, { token, lastSeq: 0 });
    wsPeers.push(real.peer);
    expect(real.welcome).toMatchObject({ resumed: true, session: id });
  });
});

describe('origins (CORS)', () => {
  const origin = 'https://app.example.com';

  it('by default allows the same origin and requests without Origin, refuses other origins (403), upgrades included', async () => {
    const { url, wsUrl } = await start();
    const host = new URL(url).host;
    expect(await upgradeStatus(wsUrl)).toBe(101);
    expect(await upgradeStatus(wsUrl, { origin: `http://${host}` })).toBe(101);
    expect(await upgradeStatus(wsUrl, { origin })).toBe(403);
    const refused = await fetch(`${url}/rt?v=1`, { headers: { origin } });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: { code: 'origin-not-allowed' } });
    const preflight = await fetch(`${url}/rt`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(403);
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('allows a listed origin with credentials: reflects it (never *), answers its preflight, refuses others', async () => {
    const { url, wsUrl } = await start({ cors: { origin: [origin], credentials: true } });
    const preflight = await fetch(`${url}/rt`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization, last-event-id' },
    });
    expect(preflight.status).toBe(204);
    expect(Object.fromEntries(preflight.headers)).toMatchObject({
      'access-control-allow-origin': origin,
      'access-control-allow-credentials': 'true',
      'access-control-allow-methods': 'GET, POST, OPTIONS',
      'access-control-allow-headers': 'authorization, last-event-id',
      vary: 'origin',
    });
    const stream = await openSse(`${url}/rt?v=1`, { origin });
    ssePeers.push(stream);
    expect(stream.status).toBe(200);
    expect(stream.headers.get('access-control-allow-origin')).toBe(origin);
    expect(stream.headers.get('access-control-allow-credentials')).toBe('true');
    expect((await fetch(`${url}/rt?v=1`, { headers: { origin: 'https://evil.example' } })).status).toBe(403);
    expect(await upgradeStatus(wsUrl, { origin: 'https://evil.example' })).toBe(403);
    expect(await upgradeStatus(wsUrl, { origin })).toBe(101);
  });

  it("refuses '*' with credentials, and malformed origins, at construction", () => {
    expect(() => new Server({ cors: { origin: '*', credentials: true } })).toThrow(TypeError);
    expect(() => new Server({ cors: { origin: 'app.example.com' } })).toThrow(/no path/);
    expect(() => new Server({ cors: { origin: [] } })).toThrow(TypeError);
  });
});

describe('options', () => {
  it('throw a TypeError naming a bad option', () => {
    expect(() => new Server({ path: 'rt' })).toThrow(/path/);
    expect(() => new Server({ heartbeatMs: 0 })).toThrow(/heartbeatMs/);
    expect(() => new Server({ replayFrames: 1.5 })).toThrow(/replayFrames/);
    expect(() => new Server({ authenticate: 'yes' as never })).toThrow(/authenticate/);
    expect(() => new Server({ adapter: {} as never })).toThrow(/adapter/);
    expect(() => new Server({ heartbeat: 5 } as never)).toThrow(/unknown option "heartbeat"/);
  });
});

/** The client half of a WebSocket handshake on a bare TCP socket, then `hello`; the socket never reads again. */
async function stalledWebSocket(port: number): Promise<TcpSocket> {
  const socket = tcpConnect(port, '127.0.0.1');
  tcpPeers.push(socket);
  await once(socket, 'connect');
  socket.write(
    'GET /rt HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
  );
  await once(socket, 'data'); // 101 Switching Protocols
  const payload = Buffer.from(JSON.stringify({ t: 'hello', v: 1 }));
  // A masked text frame (clients must mask); a zero mask keeps the payload as is.
  socket.write(Buffer.concat([Buffer.from([0x81, 0x80 | payload.length, 0, 0, 0, 0]), payload]));
  socket.pause();
  return socket;
}

describe('slow consumers', () => {
  it('cuts a WebSocket that stops reading once its queue passes maxBufferedBytes; the session stays, detached', async () => {
    const detached: string[] = [];
    const { rt, logs } = await start({ maxBufferedBytes: 256 * 1024 }, (server) =>
      server.on('connection', (socket) => socket.lifecycle.on('detach', () => void detached.push(socket.id))),
    );
    await stalledWebSocket(running!.port);
    await expect.poll(async () => (await rt.fetchSessions()).length).toBe(1);
    const big = 'x'.repeat(64 * 1024);
    // Far more than the socket buffers of both kernels hold: the server's own queue must grow.
    for (let i = 0; i < 400 && detached.length === 0; i++) {
      await rt.emit('news', big);
      if (i % 20 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await expect.poll(() => detached.length).toBe(1);
    expect(logs.filter((line) => /slow consumer, cut/.test(line))).toHaveLength(1);
    expect(await rt.fetchSessions()).toHaveLength(1);
  });

  it('cuts an SSE stream that is not read the same way', async () => {
    const detached: string[] = [];
    const { rt, url, logs } = await start({ maxBufferedBytes: 256 * 1024 }, (server) =>
      server.on('connection', (socket) => socket.lifecycle.on('detach', () => void detached.push(socket.id))),
    );
    const socket = tcpConnect(running!.port, '127.0.0.1');
    tcpPeers.push(socket);
    await once(socket, 'connect');
    socket.write(`GET /rt?v=1 HTTP/1.1\r\nHost: ${new URL(url).host}\r\nAccept: text/event-stream\r\n\r\n`);
    await once(socket, 'data');
    socket.pause();
    const big = 'y'.repeat(64 * 1024);
    for (let i = 0; i < 400 && detached.length === 0; i++) {
      await rt.emit('news', big);
      if (i % 20 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await expect.poll(() => detached.length).toBe(1);
    // Cut once: the frames written after the cut in the same tick (before the response's `close`) are dropped, not cut again.
    expect(logs.filter((line) => /SSE stream .*slow consumer, cut/.test(line))).toHaveLength(1);
  });
});

describe('a resume bigger than the send queue', () => {
  it('replays the whole log over either carrier, however small maxBufferedBytes is', async () => {
    let detaches = 0;
    const { rt, url, wsUrl, logs } = await start({ maxBufferedBytes: 16 * 1024 }, (server) =>
      server.on('connection', (socket) => socket.lifecycle.on('detach', () => void detaches++)),
    );
    const first = await helloWs(wsUrl);
    first.peer.ws.terminate();
    await expect.poll(() => detaches).toBe(1);
    const chunk = 'r'.repeat(8 * 1024);
    // Five 8 KiB frames while detached: 40 KiB of replay, written in one tick into a 16 KiB queue.
    for (let i = 0; i < 5; i++) await rt.emit('news', `${i}${chunk}`);
    const overWs = await helloWs(wsUrl, { token: first.welcome['token'], lastSeq: 0 });
    wsPeers.push(overWs.peer);
    expect(overWs.welcome).toMatchObject({ resumed: true, seq: 5 });
    for (let seq = 1; seq <= 5; seq++) expect(await overWs.peer.frames.next()).toMatchObject({ t: 'event', seq, name: 'news' });
    overWs.peer.ws.terminate();
    await expect.poll(() => detaches).toBe(2);
    const overSse = await helloSse(url, `&sessionToken=${String(first.welcome['token'])}&lastSeq=0`);
    ssePeers.push(overSse.peer);
    expect(overSse.welcome).toMatchObject({ resumed: true, seq: 5 });
    for (let seq = 1; seq <= 5; seq++) expect(await overSse.peer.frames.next()).toMatchObject({ t: 'event', seq, name: 'news' });
    expect(logs.filter((line) => /slow consumer/.test(line))).toEqual([]);
  });
});

describe('close()', () => {
  it('says bye server-closing (retry: true) on every carrier, lets a running handler answer, then refuses new connections', async () => {
    let release: (() => void) | undefined;
    const { rt, url, wsUrl } = await start({ closeGraceMs: 5000 }, (server) =>
      server.on('connection', (socket) => socket.on('slow', () => new Promise<string>((resolve) => (release = () => resolve('done'))))),
    );
    const ws = await helloWs(wsUrl);
    wsPeers.push(ws.peer);
    const stream = await helloSse(url);
    ssePeers.push(stream.peer);
    ws.peer.send({ t: 'event', cid: 1, name: 'slow', args: [], ack: true });
    await expect.poll(() => release).toBeDefined();
    const closing = rt.close();
    expect(await ws.peer.frames.nextOf('bye')).toEqual({ t: 'bye', code: 'server-closing', message: expect.any(String), retry: true });
    expect(await stream.peer.frames.nextOf('bye')).toMatchObject({ code: 'server-closing', retry: true });
    expect((await ws.peer.closed).code).toBe(1001);
    await stream.peer.ended;
    const refused = await fetch(`${url}/rt?v=1`);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    let settled = false;
    void closing.then(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(settled).toBe(false); // the handler is still running
    release!();
    await closing;
  });
});
