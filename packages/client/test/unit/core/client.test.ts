import { afterEach, describe, expect, it, vi } from 'vitest';
import { createClient } from '../../../src/core/client.js';
import { connect } from '../../../src/connect.js';
import { createFakeEndpoint } from '../../../src/testing/fake-transport.js';
import { raw } from '../../../src/protocols/raw.js';
import { catchReported, flush, serverEvent, setup } from './helpers.js';

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('client', () => {
  it('on, once and off: on returns an unsubscribe function, once fires once', () => {
    const { ws, client, open } = setup({ heartbeat: false });
    const seen: string[] = [];
    const stop = client.on('chat', (text: string) => seen.push(`on:${text}`));
    client.once('chat', (text: string) => seen.push(`once:${text}`));
    const removed = (text: string) => seen.push(`off:${text}`);
    client.on('chat', removed);
    client.off('chat', removed);
    open(ws.last);
    ws.last!.receive(serverEvent(1, 'chat', 'a'));
    stop();
    ws.last!.receive(serverEvent(2, 'chat', 'b'));
    expect(seen).toEqual(['on:a', 'once:a']);
  });

  it('off(event) without a listener removes every listener of that event, including once listeners', () => {
    const { ws, client, open } = setup({ heartbeat: false });
    const seen: string[] = [];
    client.on('x', () => seen.push('on'));
    const listener = () => seen.push('once');
    client.once('y', listener);
    client.off('y', listener);
    client.off('x');
    open(ws.last);
    ws.last!.receive(serverEvent(1, 'x'));
    ws.last!.receive(serverEvent(2, 'y'));
    expect(seen).toEqual([]);
  });

  it('reserves no event name: "state", "error" and "*" are ordinary application events', () => {
    const { ws, client, open } = setup({ heartbeat: false });
    const seen: unknown[] = [];
    for (const name of ['state', 'error', 'close', '*']) client.on(name, (value: unknown) => seen.push([name, value]));
    open(ws.last);
    ['state', 'error', 'close', '*'].forEach((name, i) => ws.last!.receive(serverEvent(i + 1, name, i)));
    expect(seen).toEqual([
      ['state', 0],
      ['error', 1],
      ['close', 2],
      ['*', 3],
    ]);
  });

  it('keeps delivering when a listener throws, reporting the error like an uncaught one', () => {
    const thrown = catchReported();
    const { ws, client, open } = setup({ heartbeat: false });
    const seen: string[] = [];
    client.on('chat', () => {
      throw new Error('listener bug');
    });
    client.on('chat', (text: string) => seen.push(text));
    open(ws.last);
    ws.last!.receive(serverEvent(1, 'chat', 'a'));
    ws.last!.receive(serverEvent(2, 'chat', 'b'));
    expect(seen).toEqual(['a', 'b']);
    expect(thrown).toHaveLength(2);
    expect(client.state.status).toBe('open');
  });

  it('sends raw data with send() and receives raw messages on "message" (protocol raw)', async () => {
    const { ws, client } = setup({ ws: { protocol: raw() } });
    const got: unknown[] = [];
    client.on('message', (data) => got.push(data));
    client.send('before open');
    ws.last!.accept();
    client.send('hello');
    client.emit('chat', { text: 'x' });
    await flush();
    expect(ws.last!.sent).toEqual(['before open', 'hello', JSON.stringify({ event: 'chat', args: [{ text: 'x' }] })]);
    ws.last!.receive('plain text');
    expect(got).toEqual(['plain text']);
  });

  it('exposes state, transport and endpoint read-only, and a lifecycle channel with unsubscribe', () => {
    const { ws, client, open } = setup({ connect: false });
    const states: string[] = [];
    const stop = client.lifecycle.on('state', ({ to }) => states.push(to.status));
    expect(client.state).toEqual({ status: 'idle' });
    expect(client.transport).toBeUndefined();
    client.connect();
    open(ws.last);
    expect(client.endpoint).toBe(ws);
    expect(client.transport).toBe('websocket');
    expect(() => ((client as { state: unknown }).state = 'x')).toThrow(TypeError);
    stop();
    client.close();
    expect(states).toEqual(['connecting', 'open']);
  });

  it('reports state changes with from, to and reason', () => {
    const { ws, sse, of, open } = setup({ heartbeat: false });
    ws.last!.drop({ reason: 'refused' });
    sse.last!.drop({ reason: 'network' });
    expect(of('state').map((e) => [e.from.status, e.to.status, e.reason])).toEqual([
      ['idle', 'connecting', 'connect'],
      ['connecting', 'reconnecting', 'network'],
    ]);
    void open;
  });

  it('connects automatically in a microtask, so listeners added right after creation see everything', async () => {
    const endpoint = createFakeEndpoint();
    const client = createClient({ endpoints: [endpoint], fallbackMemory: false });
    const states: string[] = [];
    client.lifecycle.on('state', ({ to }) => states.push(to.status));
    expect(endpoint.transports).toHaveLength(0);
    await Promise.resolve();
    expect(states).toEqual(['connecting']);
    expect(endpoint.transports).toHaveLength(1);
    client.close();
  });

  it('evaluates URL, query and headers functions on every attempt (fresh tokens)', async () => {
    let token = 0;
    const { ws, sse } = setup({
      heartbeat: false,
      query: async () => ({ token: String(++token) }),
      headers: () => ({ authorization: `Bearer ${token}` }),
      ws: { url: () => Promise.resolve('fake://dynamic/ws'), query: { room: 'a' } },
    });
    await vi.waitFor(() => expect(ws.transports).toHaveLength(1));
    expect(ws.last!.context.url).toBe('fake://dynamic/ws?token=1&room=a');
    ws.last!.drop({ reason: 'refused' });
    await vi.waitFor(() => expect(sse.transports).toHaveLength(1));
    expect(new URL(sse.last!.context.url).searchParams.get('token')).toBe('2');
    expect(sse.last!.context.headers).toEqual({ authorization: 'Bearer 2' });
  });

  it('retries with backoff when a token function fails', async () => {
    const { ws, sse, of } = setup({ heartbeat: false, query: () => Promise.reject(new Error('token service down')) });
    await vi.waitFor(() => expect(of('reconnecting')).toHaveLength(1));
    expect(ws.transports).toHaveLength(0);
    expect(sse.transports).toHaveLength(0);
    expect(of('reconnecting')[0]!.error?.message).toContain('token service down');
  });
});

describe('connect(url)', () => {
  class RefusingWebSocket {
    static urls: string[] = [];
    onclose: ((event: { code: number; reason: string }) => void) | null = null;
    onopen: (() => void) | null = null;
    onmessage: unknown = null;
    onerror: unknown = null;
    binaryType = 'arraybuffer';
    readyState = 0;
    constructor(url: string) {
      RefusingWebSocket.urls.push(url);
      queueMicrotask(() => this.onclose?.({ code: 1006, reason: '' }));
    }
    close() {}
    send() {}
  }

  it.each([
    ['http://example.test:8080', 'ws://example.test:8080/rt', 'http://example.test:8080/rt'],
    ['https://example.test/', 'wss://example.test/rt', 'https://example.test/rt'],
    ['wss://example.test/custom/path?x=1', 'wss://example.test/custom/path?x=1', 'https://example.test/custom/path?x=1&v=1'],
  ])('connect(%s) speaks the envelope over WebSocket, then SSE, on the right URLs', async (url, wsUrl, sseUrl) => {
    RefusingWebSocket.urls = [];
    const fetched: string[] = [];
    const fetch = (input: string | URL | Request) => {
      fetched.push(String(input instanceof Request ? input.url : input));
      return new Promise<Response>(() => undefined);
    };
    const client = connect(url, {
      platform: { WebSocket: RefusingWebSocket as unknown as typeof WebSocket, fetch: fetch as typeof globalThis.fetch },
      fallbackMemory: false,
    });
    await vi.waitFor(() => expect(fetched).toHaveLength(1));
    expect(RefusingWebSocket.urls).toEqual([wsUrl]);
    const sse = new URL(fetched[0]!);
    expect(sse.origin + sse.pathname).toBe(new URL(sseUrl).origin + new URL(sseUrl).pathname);
    expect(sse.searchParams.get('v')).toBe('1');
    client.close();
  });
});
