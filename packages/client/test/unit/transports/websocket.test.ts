import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WebSocket as NodeWebSocket, WebSocketServer, type WebSocket as ServerSocket } from 'ws';
import { ConnectionError } from '../../../src/core/errors.js';
import { classifyWebSocketClose, websocket } from '../../../src/transports/websocket.js';
import type { Transport, TransportCloseInfo } from '../../../src/transports/transport.js';

// Real `ws` peers on OS-assigned ports: the transport is tested against what it will meet, with both
// WebSocket clients a Node app may hand it: the `ws` package and Node's own (undici; global in Node 22,
// behind --experimental-websocket in Node 20, which vitest.config.ts passes). Browsers run the same
// transport in test/browser.

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return (server.address() as AddressInfo).port;
}

/** A WebSocket server; `peers` lists the server side of each connection. */
async function startServer(options: { handleProtocols?: (protocols: Set<string>) => string | false } = {}) {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', ...options });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const peers: ServerSocket[] = [];
  const received: string[] = [];
  wss.on('connection', (peer) => {
    peers.push(peer);
    peer.on('message', (data, isBinary) => received.push(isBinary ? `binary:${(data as Buffer).length}` : String(data)));
  });
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close(() => resolve());
      }),
  );
  return { url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/rt`, peers, received };
}

/** The WebSocket classes the transport is tested with. */
const CLIENTS = [
  { name: 'the ws package', WebSocket: NodeWebSocket as unknown as typeof WebSocket },
  { name: "Node's own WebSocket", WebSocket: globalThis.WebSocket },
];
if (CLIENTS[1]!.WebSocket === CLIENTS[0]!.WebSocket) throw new Error("Node's own WebSocket is missing: run Node 22, or Node 20 with --experimental-websocket");

let client: typeof WebSocket;

function open(url: string, options?: Parameters<typeof websocket>[1]) {
  const transport = websocket(url, options).createTransport({ url, headers: {}, platform: { WebSocket: client } });
  const events = { opened: 0, messages: [] as unknown[], closes: [] as TransportCloseInfo[] };
  transport.onopen = () => events.opened++;
  transport.onmessage = (frame) => events.messages.push(frame.data);
  transport.onclose = (info) => events.closes.push(info);
  cleanups.push(() => transport.close());
  transport.open();
  return { transport, events };
}

const opened = async (transport: Transport, events: { opened: number }) => {
  await vi.waitFor(() => expect(events.opened).toBe(1));
  return transport;
};

describe.each(CLIENTS)('websocket transport over $name', ({ WebSocket }) => {
  beforeEach(() => {
    client = WebSocket;
  });

  it('opens, sends frames in order and receives text and binary frames', async () => {
    const server = await startServer();
    const { transport, events } = open(server.url);
    await opened(transport, events);
    expect(transport.kind).toBe('websocket');
    await transport.send(['one', 'two', new Uint8Array([1, 2, 3])]);
    await vi.waitFor(() => expect(server.received).toEqual(['one', 'two', 'binary:3']));
    server.peers[0]!.send('from server');
    server.peers[0]!.send(new Uint8Array([9, 8]));
    await vi.waitFor(() => expect(events.messages).toHaveLength(2));
    expect(events.messages[0]).toBe('from server');
    expect(events.messages[1]).toBeInstanceOf(ArrayBuffer);
    expect([...new Uint8Array(events.messages[1] as ArrayBuffer)]).toEqual([9, 8]);
  });

  it('maps an http URL to ws and offers the subprotocols', async () => {
    let offered: string[] = [];
    const server = await startServer({
      handleProtocols: (protocols) => {
        offered = [...protocols];
        return 'v1.unisocket';
      },
    });
    const { transport, events } = open(server.url.replace('ws:', 'http:'), { subprotocols: ['v1.unisocket', 'chat'] });
    expect(transport.url).toBe(server.url);
    await opened(transport, events);
    expect(offered).toEqual(['v1.unisocket', 'chat']);
  });

  it('rejects a send before the socket is open with a network ConnectionError', async () => {
    const server = await startServer();
    const { transport } = open(server.url);
    const error = await transport.send(['early']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ name: 'ConnectionError', code: 'network', transport: 'websocket' });
  });

  it('reports refused when the upgrade is answered with an HTTP error', async () => {
    const http = createServer();
    http.on('upgrade', (_request, socket) => socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n'));
    const port = await listen(http);
    const { events } = open(`ws://127.0.0.1:${port}/rt`);
    await vi.waitFor(() => expect(events.closes).toHaveLength(1));
    expect(events.closes[0]).toMatchObject({ reason: 'refused', wasOpen: false, code: 1006 });
    expect(events.opened).toBe(0);
  });

  it('reports refused when nothing listens on the port', async () => {
    const http = createServer();
    const port = await listen(http);
    await new Promise<void>((resolve) => http.close(() => resolve()));
    const { events } = open(`ws://127.0.0.1:${port}/rt`);
    await vi.waitFor(() => expect(events.closes).toHaveLength(1));
    expect(events.closes[0]).toMatchObject({ reason: 'refused', wasOpen: false, code: 1006 });
  });

  it.each([
    [1000, 'ended'],
    [1001, 'ended'],
    [1011, 'network'],
    [4401, 'network'],
  ] as const)('classifies a server close with code %i after open as %s and keeps the code', async (code, reason) => {
    const server = await startServer();
    const { transport, events } = open(server.url);
    await opened(transport, events);
    server.peers[0]!.close(code, 'bye now');
    await vi.waitFor(() => expect(events.closes).toHaveLength(1));
    expect(events.closes[0]).toMatchObject({ reason, code, wasOpen: true });
    expect(events.closes[0]!.message).toContain('bye now');
  });

  it('reports network with code 1006 when the server drops the connection', async () => {
    const server = await startServer();
    const { transport, events } = open(server.url);
    await opened(transport, events);
    server.peers[0]!.terminate();
    await vi.waitFor(() => expect(events.closes).toHaveLength(1));
    expect(events.closes[0]).toMatchObject({ reason: 'network', code: 1006, wasOpen: true });
  });

  it('calls no handler after close(), even when the server still talks or closes', async () => {
    const server = await startServer();
    const { transport, events } = open(server.url);
    await opened(transport, events);
    const closedOnServer = new Promise<number>((resolve) => server.peers[0]!.on('close', (code) => resolve(code)));
    server.peers[0]!.send('in flight');
    transport.close(4000, 'done');
    expect(await closedOnServer).toBe(4000);
    expect(events.messages).toEqual([]);
    expect(events.closes).toEqual([]);
    await expect(transport.send(['late'])).rejects.toMatchObject({ code: 'network' });
  });

  it('can be closed while still connecting without throwing or calling back', async () => {
    const server = await startServer();
    const { transport, events } = open(server.url);
    transport.close();
    transport.close(); // idempotent
    await vi.waitFor(() => expect(server.peers.length === 0 || server.peers[0]!.readyState !== 1).toBe(true));
    expect(events).toEqual({ opened: 0, messages: [], closes: [] });
  });
});

describe('websocket transport', () => {
  it('reports a malformed URL from a url function as refused, after open() returned', async () => {
    const endpoint = websocket(() => 'not a url');
    const transport = endpoint.createTransport({ url: 'http://[bad', headers: {}, platform: {} });
    const closes: TransportCloseInfo[] = [];
    transport.onclose = (info) => closes.push(info);
    transport.open();
    expect(closes).toEqual([]);
    await vi.waitFor(() => expect(closes).toHaveLength(1));
    expect(closes[0]).toMatchObject({ reason: 'refused', wasOpen: false });
  });

  it('classifies close codes', () => {
    expect(classifyWebSocketClose(false, 1000)).toBe('refused');
    expect(classifyWebSocketClose(true, 1005)).toBe('ended');
    expect(classifyWebSocketClose(true, 1008)).toBe('network');
  });
});

describe('websocket() endpoint', () => {
  it('describes itself and defaults to the envelope protocol', () => {
    const endpoint = websocket('ws://h.test/rt', { query: { token: 't' } });
    expect(endpoint).toMatchObject({ kind: 'websocket', url: 'ws://h.test/rt', label: 'websocket ws://h.test/rt', query: { token: 't' } });
    expect(endpoint.protocol.name).toBe('envelope');
    expect(websocket('ws://h.test/', { protocol: 'raw' }).protocol.name).toBe('raw');
  });

  it('is supported only where a WebSocket class exists', () => {
    const endpoint = websocket('ws://h.test/rt');
    expect(endpoint.isSupported({ WebSocket: NodeWebSocket as unknown as typeof WebSocket })).toBe(true);
    vi.stubGlobal('WebSocket', undefined);
    try {
      expect(endpoint.isSupported({})).toBe(false);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it.each([
    ['a url that is not a string or function', () => websocket(42 as unknown as string), /"url"/],
    ['an empty url', () => websocket(''), /"url"/],
    ['a relative url with no page', () => websocket('/rt'), /relative/],
    ['an unknown protocol name', () => websocket('ws://h.test/', { protocol: 'socketio' as 'raw' }), /"protocol"/],
    ['a bad binaryType', () => websocket('ws://h.test/', { binaryType: 'buffer' as 'blob' }), /"binaryType"/],
    ['bad subprotocols', () => websocket('ws://h.test/', { subprotocols: [1] as unknown as string[] }), /"subprotocols"/],
    ['a bad query', () => websocket('ws://h.test/', { query: 'a=1' as unknown as Record<string, string> }), /"query"/],
    ['an unknown option', () => websocket('ws://h.test/', { protocols: 'x' } as never), /"protocols"/],
  ])('throws a TypeError for %s', (_label, build, message) => {
    expect(build).toThrow(TypeError);
    expect(build).toThrow(message);
  });
});
