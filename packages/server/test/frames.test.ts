import { afterEach, describe, expect, it } from 'vitest';
import { helloSse, helloWs, openWs, postFrames, sequenced, startServer } from './helpers.js';
import type { TestServer, SsePeer, WsPeer } from './helpers.js';

let server: TestServer | undefined;
const wsPeers: WsPeer[] = [];
const ssePeers: SsePeer[] = [];

async function start(options: Parameters<typeof startServer>[0] = {}): Promise<TestServer> {
  server = await startServer(options);
  return server;
}

async function ws(hello?: Record<string, unknown>) {
  const opened = await helloWs(server!.wsUrl, hello);
  wsPeers.push(opened.peer);
  return opened;
}

afterEach(async () => {
  for (const peer of wsPeers.splice(0)) peer.ws.terminate();
  for (const peer of ssePeers.splice(0)) peer.close();
  await server?.close();
  server = undefined;
});

describe('envelope /rt over WebSocket', () => {
  it('welcomes a new session with version, id, cursors and the heartbeat interval', async () => {
    await start({ heartbeatMs: 4321 });
    const { welcome } = await ws();
    expect(welcome).toEqual({ t: 'welcome', v: 1, session: expect.any(String), token: expect.any(String), resumed: false, seq: 0, rcid: 0, hb: 4321 });
    const other = await ws();
    expect(other.welcome['token']).not.toBe(welcome['token']);
  });

  it('acks an echo with the same args and a sequence id', async () => {
    await start();
    const { peer } = await ws();
    peer.send({ t: 'event', cid: 1, name: 'echo', args: ['hi', { n: 2 }], ack: true });
    expect(await peer.frames.nextOf('ack')).toEqual({ t: 'ack', seq: 1, cid: 1, args: ['hi'] });
  });

  it('numbers every sequenced frame 1, 2, 3 … without gaps', async () => {
    await start();
    const { peer } = await ws();
    peer.send({ t: 'event', cid: 1, name: 'join', args: ['lobby', 'ann'], ack: true });
    for (let cid = 2; cid <= 6; cid += 1) peer.send({ t: 'event', cid, name: 'chat', args: [{ text: `m${cid}` }], ack: true });
    await peer.frames.next((frame) => frame.t === 'ack' && frame['cid'] === 6);
    const seqs = sequenced(peer.frames.all).map((frame) => frame['seq']);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    expect(seqs.length).toBe(12); // presence + ack for join, chat + ack for each of 5 chats
  });

  it('sends ping frames with rcid at the heartbeat interval', async () => {
    await start({ heartbeatMs: 100 });
    const { peer } = await ws();
    peer.send({ t: 'event', cid: 7, name: 'echo', args: [] });
    const ping = await peer.frames.next((frame) => frame.t === 'ping' && frame['rcid'] === 7, 2000);
    expect(ping).toEqual({ t: 'ping', rcid: 7 });
  });

  it('answers malformed JSON, bad frames and unknown types with error frames and keeps the socket usable', async () => {
    await start();
    const { peer } = await ws();
    peer.send('{not json');
    expect(await peer.frames.next()).toMatchObject({ t: 'error', code: 'bad-json' });
    peer.send({ t: 'event', cid: 'x', name: 'echo', args: [] });
    expect(await peer.frames.next()).toMatchObject({ t: 'error', code: 'bad-frame' });
    peer.send({ t: 'event', cid: 1, name: 'echo', args: 'nope' });
    expect(await peer.frames.next()).toEqual({ t: 'error', code: 'bad-frame', message: expect.any(String), cid: 1 });
    peer.send({ t: 'teleport' });
    expect(await peer.frames.next()).toMatchObject({ t: 'error', code: 'unknown-type' });
    peer.send([1, 2]);
    expect(await peer.frames.next()).toMatchObject({ t: 'error', code: 'bad-frame' });
    peer.ws.send(Buffer.from('{"t":"pong"}'), { binary: true });
    expect(await peer.frames.next()).toMatchObject({ t: 'error', code: 'bad-frame' });
    peer.send({ t: 'event', cid: 2, name: 'echo', args: ['still here'], ack: true });
    expect(await peer.frames.next()).toMatchObject({ t: 'ack', cid: 2, args: ['still here'] });
  });

  it('answers frames before hello with an error, then accepts hello', async () => {
    await start();
    const peer = await openWs(server!.wsUrl);
    wsPeers.push(peer);
    peer.send({ t: 'event', cid: 1, name: 'echo', args: [] });
    expect(await peer.frames.next()).toMatchObject({ t: 'error', code: 'bad-frame' });
    peer.send({ t: 'hello', v: 1 });
    expect(await peer.frames.next()).toMatchObject({ t: 'welcome', resumed: false });
  });

  it('says bye and closes on an unsupported protocol version', async () => {
    await start();
    const peer = await openWs(server!.wsUrl);
    wsPeers.push(peer);
    peer.send({ t: 'hello', v: 99 });
    expect(await peer.frames.next()).toMatchObject({ t: 'bye', code: 'unsupported-version', retry: false });
    expect((await peer.closed).code).toBe(1002);
  });

  it('reports unknown events in the ack, or in an error frame when no ack was asked for', async () => {
    await start();
    const { peer } = await ws();
    peer.send({ t: 'event', cid: 1, name: 'fly', args: [], ack: true });
    expect(await peer.frames.next()).toMatchObject({ t: 'ack', seq: 1, cid: 1, error: { code: 'unknown-event' } });
    peer.send({ t: 'event', cid: 2, name: 'fly', args: [] });
    expect(await peer.frames.next()).toMatchObject({ t: 'error', code: 'unknown-event', cid: 2 });
  });

  it('processes each cid once: a resent event is dropped and rcid tells what was processed', async () => {
    await start();
    const { peer, welcome } = await ws();
    peer.send({ t: 'event', cid: 1, name: 'join', args: ['r', 'ann'], ack: true });
    peer.send({ t: 'event', cid: 2, name: 'chat', args: [{ text: 'once' }], ack: true });
    await peer.frames.next((frame) => frame.t === 'ack' && frame['cid'] === 2);
    peer.ws.terminate();

    const resumed = await ws({ token: welcome['token'], lastSeq: 4 });
    expect(resumed.welcome).toMatchObject({ resumed: true, rcid: 2, seq: 4 });
    // The client resends what it was unsure of, then something new.
    resumed.peer.send({ t: 'event', cid: 2, name: 'chat', args: [{ text: 'once' }], ack: true });
    resumed.peer.send({ t: 'event', cid: 3, name: 'echo', args: ['new'], ack: true });
    const ack = await resumed.peer.frames.nextOf('ack');
    expect(ack).toMatchObject({ cid: 3, seq: 5 });
    expect(resumed.peer.frames.all.filter((frame) => frame.t === 'event' && frame['name'] === 'chat')).toEqual([]);
  });

  it('closes an oversize frame with 1009 and leaves other connections working', async () => {
    await start({ maxFrameBytes: 1024 });
    const big = await ws();
    const other = await ws();
    big.peer.send({ t: 'event', cid: 1, name: 'echo', args: ['x'.repeat(2000)] });
    expect((await big.peer.closed).code).toBe(1009);
    other.peer.send({ t: 'event', cid: 1, name: 'echo', args: ['ok'], ack: true });
    expect(await other.peer.frames.nextOf('ack')).toMatchObject({ args: ['ok'] });
  });
});

describe('envelope /rt over SSE + POST', () => {
  async function sse(query = '', headers?: Record<string, string>) {
    const opened = await helloSse(server!.url, query, headers);
    ssePeers.push(opened.peer);
    return opened;
  }

  it('streams welcome first with retry, no-store and an id naming the session', async () => {
    await start({ heartbeatMs: 2500 });
    const { peer, welcome } = await sse();
    expect(peer.status).toBe(200);
    expect(peer.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(peer.headers.get('cache-control')).toBe('no-store');
    expect(peer.retry).toBe(1000);
    expect(welcome).toEqual({ t: 'welcome', v: 1, session: expect.any(String), token: expect.any(String), resumed: false, seq: 0, rcid: 0, hb: 2500 });
    expect(peer.ids[0]).toBe(`${String(welcome['token'])}:0`);
  });

  it('acks events posted as a batch, in order, with ids on sequenced frames', async () => {
    await start();
    const { peer, welcome } = await sse();
    const token = String(welcome['token']);
    const batch = [1, 2, 3].map((cid) => ({ t: 'event', cid, name: 'echo', args: [cid], ack: true }));
    expect(await postFrames(server!.url, token, batch)).toEqual({ status: 200, json: { rcid: 3 } });
    const acks = [await peer.frames.nextOf('ack'), await peer.frames.nextOf('ack'), await peer.frames.nextOf('ack')];
    expect(acks.map((ack) => [ack['cid'], ack['seq'], ack['args']])).toEqual([
      [1, 1, [1]],
      [2, 2, [2]],
      [3, 3, [3]],
    ]);
    expect(peer.ids.filter(Boolean)).toEqual([`${token}:0`, `${token}:1`, `${token}:2`, `${token}:3`]);
  });

  it('accepts a single frame object and runs the rest of a batch after a bad frame', async () => {
    await start();
    const { peer, welcome } = await sse();
    const token = String(welcome['token']);
    expect(await postFrames(server!.url, token, { t: 'event', cid: 1, name: 'echo', args: ['one'], ack: true })).toEqual({
      status: 200,
      json: { rcid: 1 },
    });
    const batch = [{ t: 'event', cid: 2 }, { t: 'bogus' }, { t: 'event', cid: 3, name: 'echo', args: ['three'], ack: true }];
    expect(await postFrames(server!.url, token, batch)).toEqual({ status: 200, json: { rcid: 3 } });
    expect(await peer.frames.nextOf('ack')).toMatchObject({ cid: 1 });
    expect(await peer.frames.next()).toMatchObject({ t: 'error', code: 'bad-frame' });
    expect(await peer.frames.next()).toMatchObject({ t: 'error', code: 'unknown-type' });
    expect(await peer.frames.next()).toMatchObject({ t: 'ack', cid: 3, args: ['three'] });
  });

  it('sends ping frames with a `: hb` comment', async () => {
    await start({ heartbeatMs: 100 });
    const { peer } = await sse();
    expect(await peer.frames.nextOf('ping', 2000)).toEqual({ t: 'ping', rcid: 0 });
    expect(peer.comments).toContain('hb');
  });

  it('refuses bad POSTs: 400 bad JSON / bad frame / no session, 404 unknown session, 413 over the limit', async () => {
    await start({ maxFrameBytes: 1024 });
    const { welcome } = await sse();
    const token = String(welcome['token']);
    expect(await postFrames(server!.url, token, '{oops')).toMatchObject({ status: 400, json: { error: { code: 'bad-json' } } });
    expect(await postFrames(server!.url, token, '42')).toMatchObject({ status: 400, json: { error: { code: 'bad-frame' } } });
    expect(await postFrames(server!.url, undefined, [])).toMatchObject({ status: 400, json: { error: { code: 'bad-request' } } });
    expect(await postFrames(server!.url, 'nope', [])).toMatchObject({ status: 404, json: { error: { code: 'unknown-session' } } });
    const big = [{ t: 'event', cid: 1, name: 'echo', args: ['x'.repeat(2000)] }];
    expect(await postFrames(server!.url, token, big)).toMatchObject({ status: 413, json: { error: { code: 'too-large' } } });
    expect(await postFrames(server!.url, token, [])).toEqual({ status: 200, json: { rcid: 0 } });
  });

  it('answers other methods with 405 and an allow header, and preflights with the CORS methods', async () => {
    await start();
    const put = await fetch(`${server!.url}/rt`, { method: 'PUT', body: '[]' });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, POST');
    expect(await put.json()).toMatchObject({ error: { code: 'method-not-allowed' } });
    const head = await fetch(`${server!.url}/rt`, { method: 'DELETE' });
    expect(head.status).toBe(405);
    await head.body?.cancel();
    await server!.close();
    await start({ cors: { origin: '*' } });
    const preflight = await fetch(`${server!.url}/rt`, { method: 'OPTIONS', headers: { origin: 'http://page.test', 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-methods')).toBe('GET, POST, OPTIONS');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('last-event-id');
  });

  it('refuses an unsupported version with 400', async () => {
    await start();
    const response = await fetch(`${server!.url}/rt?v=2`);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 'unsupported-version' } });
  });
});
