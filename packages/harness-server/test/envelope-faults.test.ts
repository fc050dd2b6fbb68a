import { afterEach, describe, expect, it } from 'vitest';
import { helloSse, helloWs, postFrames, push, startRt } from './envelope-helpers.js';
import type { RtServer, SsePeer, WsPeer } from './envelope-helpers.js';

// The envelope endpoint under the harness's faults (the protocol itself is tested in packages/server).
let server: RtServer | undefined;
const wsPeers: WsPeer[] = [];
const ssePeers: SsePeer[] = [];

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
});
