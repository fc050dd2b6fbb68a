import { once } from 'node:events';
import { connect as tcpConnect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { helloSse, helloWs, postFrames, push, startRt } from './envelope-helpers.js';
import type { RtServer, SsePeer, WsPeer } from './envelope-helpers.js';

// The envelope endpoint under the harness's faults (the protocol itself is tested in packages/server).
let server: RtServer | undefined;
const wsPeers: WsPeer[] = [];
const ssePeers: SsePeer[] = [];
const tcpPeers: Socket[] = [];

async function start(options: Parameters<typeof startRt>[0] = {}): Promise<RtServer> {
  server = await startRt(options);
  return server;
}

async function sse(query = '', headers?: Record<string, string>) {
  const opened = await helloSse(server!.url, query, headers);
  ssePeers.push(opened.peer);
  return opened;
}

afterEach(async () => {
  for (const peer of wsPeers.splice(0)) peer.ws.terminate();
  for (const peer of ssePeers.splice(0)) peer.close();
  for (const socket of tcpPeers.splice(0)) socket.destroy();
  await server?.close();
  server = undefined;
});

describe('envelope /rt under faults', () => {
  it('answers an injected SSE status fault instead of a stream, without opening a session', async () => {
    await start({ testControls: true });
    const control = await fetch(`${server!.url}/_control/sse-status?status=204`, { method: 'POST' });
    await control.body?.cancel();
    const response = await fetch(`${server!.url}/rt?v=1`);
    expect(response.status).toBe(204);
    const pushed = await fetch(`${server!.url}/rt/push`, { method: 'POST', body: JSON.stringify({ name: 'x' }) });
    expect(await pushed.json()).toEqual({ delivered: 0 });
  });

  it('keeps working under SSE format faults (CRLF, BOM, comments)', async () => {
    await start({ testControls: true });
    const control = await fetch(`${server!.url}/_control/sse-format?lineEnding=crlf&bom=true&comments=true`, { method: 'POST' });
    await control.body?.cancel();
    const { peer, welcome } = await sse();
    await postFrames(server!.url, String(welcome['token']), [{ t: 'event', cid: 1, name: 'echo', args: ['crlf'], ack: true }]);
    expect(await peer.frames.nextOf('ack')).toMatchObject({ seq: 1, args: ['crlf'] });
  });

  it('resumes both carriers after the harness drops every connection', async () => {
    await start({ testControls: true });
    const socket = await helloWs(server!.wsUrl);
    wsPeers.push(socket.peer);
    const stream = await sse();
    const drop = await fetch(`${server!.url}/_control/drop`, { method: 'POST' });
    expect(drop.status).toBe(200);
    await drop.body?.cancel();
    await socket.peer.closed;
    await stream.peer.ended;
    expect(await push(server!.url, { name: 'tick', args: ['while down'] })).toEqual({ status: 200, json: { delivered: 2 } });

    const socketAgain = await helloWs(server!.wsUrl, { token: socket.welcome['token'], lastSeq: 0 });
    wsPeers.push(socketAgain.peer);
    const streamAgain = await sse(`&sessionToken=${String(stream.welcome['token'])}&lastSeq=0`);
    for (const peer of [socketAgain, streamAgain]) {
      expect(peer.welcome).toMatchObject({ resumed: true, seq: 1 });
      expect(await peer.peer.frames.next()).toMatchObject({ t: 'event', seq: 1, name: 'tick', args: ['while down'] });
    }
  });

  it('cuts an /rt client that stops reading at --max-buffered-bytes, and it resumes from the log', async () => {
    const logs: string[] = [];
    await start({ maxBufferedBytes: 64 * 1024, log: (line) => logs.push(line) });
    // An SSE reader that stops reading after the welcome: only the harness's send queue can grow.
    const { host } = new URL(server!.url);
    const socket = tcpConnect(Number(new URL(server!.url).port), '127.0.0.1');
    tcpPeers.push(socket);
    await once(socket, 'connect');
    socket.write(`GET /rt?v=1 HTTP/1.1\r\nHost: ${host}\r\nAccept: text/event-stream\r\n\r\n`);
    const [head] = (await once(socket, 'data')) as [Buffer];
    const token = /"token":"([^"]+)"/.exec(head.toString('utf8'))?.[1];
    expect(token).toBeDefined();
    socket.pause();
    const big = 'z'.repeat(32 * 1024);
    let pushes = 0;
    // Far more than both kernels' socket buffers hold; stops at the cut.
    while (!logs.some((line) => /slow consumer, cut/.test(line)) && pushes < 1000) {
      await push(server!.url, { name: 'news', args: [big] });
      pushes++;
    }
    expect(logs.filter((line) => /slow consumer, cut/.test(line))).toEqual([expect.stringMatching(/over 65536\): slow consumer, cut/)]);
    // The session stays: a resume from before the cut gets the frames the log still holds, then goes on.
    const again = await sse(`&sessionToken=${token}&lastSeq=${pushes - 3}`);
    expect(again.welcome).toMatchObject({ resumed: true, seq: pushes });
    expect(await again.peer.frames.next()).toMatchObject({ t: 'event', seq: pushes - 2, name: 'news' });
  });
});
