import { afterEach, describe, expect, it, vi } from 'vitest';
import { server } from 'vitest/browser';
import { envelope } from '../../src/protocols/envelope.js';
import { sse, type SseEndpointOptions } from '../../src/transports/sse.js';
import type { InboundFrame, OutboundFrame, Transport, TransportCloseInfo, TransportOpenContext } from '../../src/transports/transport.js';
import { websocket } from '../../src/transports/websocket.js';

// Runs in Chromium, Firefox and WebKit (project `client-browser`, vitest.browser.config.ts) against
// the endpoints of test/browser/server-plugin.ts. The Node project skips it: it needs the browser's own classes.
// Where an engine differs, the test says which and what the client makes of it (client README, "Browser engines").
const inBrowser = typeof window !== 'undefined' && typeof document !== 'undefined';
const firefox = server.browser === 'firefox';

const transports: Transport[] = [];
afterEach(() => {
  for (const transport of transports.splice(0)) transport.close();
});

function start(transport: Transport) {
  const events = { opened: 0, frames: [] as InboundFrame[], closes: [] as TransportCloseInfo[], errors: [] as unknown[] };
  transport.onopen = () => events.opened++;
  transport.onmessage = (frame) => events.frames.push(frame);
  transport.onclose = (info) => events.closes.push(info);
  transport.onerror = (error) => events.errors.push(error);
  transports.push(transport);
  transport.open();
  return events;
}

const context = (url: string, extra: Partial<TransportOpenContext> = {}): TransportOpenContext => ({ url, headers: {}, platform: {}, ...extra });

const closedOnce = async (events: { closes: TransportCloseInfo[] }) => {
  await vi.waitFor(() => expect(events.closes).toHaveLength(1), { timeout: 5000 });
  return events.closes[0]!;
};

const closedPort = async () => Number(await (await fetch('/__closed-port')).text());

describe.runIf(inBrowser)('websocket transport in a browser', () => {
  const echo = () => websocket('/__ws/echo').createTransport(context('/__ws/echo'));

  it('maps the page-relative URL to ws:, opens, sends and receives text and binary', async () => {
    const transport = echo();
    expect(transport.url).toBe(`ws://${location.host}/__ws/echo`);
    const events = start(transport);
    await vi.waitFor(() => expect(events.opened).toBe(1));
    await transport.send(['hello', new Uint8Array([1, 2, 3])]);
    await vi.waitFor(() => expect(events.frames).toHaveLength(2));
    expect(events.frames[0]!.data).toBe('hello');
    expect([...new Uint8Array(events.frames[1]!.data as ArrayBuffer)]).toEqual([1, 2, 3]);
  });

  it('delivers binary as a Blob when asked', async () => {
    const transport = websocket('/__ws/echo', { binaryType: 'blob' }).createTransport(context('/__ws/echo'));
    const events = start(transport);
    await vi.waitFor(() => expect(events.opened).toBe(1));
    await transport.send([new Uint8Array([7])]);
    await vi.waitFor(() => expect(events.frames).toHaveLength(1));
    expect(events.frames[0]!.data).toBeInstanceOf(Blob);
  });

  it('reports a server close with its code', async () => {
    const transport = echo();
    const events = start(transport);
    await vi.waitFor(() => expect(events.opened).toBe(1));
    await transport.send(['close:4001']);
    expect(await closedOnce(events)).toMatchObject({ reason: 'network', code: 4001, wasOpen: true });
    const normal = echo();
    const normalEvents = start(normal);
    await vi.waitFor(() => expect(normalEvents.opened).toBe(1));
    await normal.send(['close:1000']);
    expect(await closedOnce(normalEvents)).toMatchObject({ reason: 'ended', code: 1000 });
  });

  it('reports a refused upgrade and an unreachable port as refused', async () => {
    const refused = start(websocket('/__ws/refuse').createTransport(context('/__ws/refuse')));
    expect(await closedOnce(refused)).toMatchObject({ reason: 'refused', wasOpen: false, code: 1006 });
    const url = `ws://127.0.0.1:${await closedPort()}/`;
    const unreachable = start(websocket(url).createTransport(context(url)));
    expect(await closedOnce(unreachable)).toMatchObject({ reason: 'refused', wasOpen: false });
  });

  it('calls nothing after close()', async () => {
    const transport = echo();
    const events = start(transport);
    await vi.waitFor(() => expect(events.opened).toBe(1));
    await transport.send(['in flight']);
    transport.close();
    await expect(transport.send(['late'])).rejects.toMatchObject({ code: 'network' });
    // a second socket's round trip proves the first one's echo had time to come back
    const other = start(echo());
    await vi.waitFor(() => expect(other.opened).toBe(1));
    expect(events.frames).toEqual([]);
    expect(events.closes).toEqual([]);
  });
});

for (const downstream of ['fetch', 'eventsource'] as const) {
  const endpoint = (path: string, options: SseEndpointOptions = {}) => sse(path, { downstream, events: ['cfmlMessage'], ...options });
  const open = (path: string, options?: SseEndpointOptions, extra?: Partial<TransportOpenContext>) =>
    start(endpoint(path, options).createTransport(context(path, extra)));

  describe.runIf(inBrowser)(`sse over ${downstream} in a browser`, () => {
    it('parses the fixture stream: BOM, CRLF, comments, ids, a custom event, multi-line data', async () => {
      const events = open('/__sse/events');
      await vi.waitFor(() => expect(events.frames).toHaveLength(3));
      expect(events.opened).toBe(1);
      expect(events.frames).toEqual([
        { data: 'one', event: undefined, id: '1' },
        { data: '{"text":"hi"}', event: 'cfmlMessage', id: '2' },
        { data: 'multi\nline', event: undefined, id: '2' },
      ]);
      const info = await closedOnce(events);
      // fetch sees the end and the retry: value; the native EventSource only sees an error
      expect(info).toMatchObject(downstream === 'fetch' ? { reason: 'ended', retryAfterMs: 1500, wasOpen: true } : { reason: 'network', wasOpen: true });
    });

    it('treats 204 as a refusal to stream', async () => {
      const info = await closedOnce(open('/__sse/no-content'));
      expect(info).toMatchObject(downstream === 'fetch' ? { reason: 'no-content', status: 204 } : { reason: 'http-status', wasOpen: false });
    });

    it('treats an error status and a wrong content type as refusals', async () => {
      const busy = await closedOnce(open('/__sse/busy'));
      const html = await closedOnce(open('/__sse/html'));
      if (downstream === 'fetch') {
        expect(busy).toMatchObject({ reason: 'http-status', status: 503, retryAfterMs: 3000 });
        expect(html).toMatchObject({ reason: 'content-type', status: 200 });
      } else {
        expect(busy).toMatchObject({ reason: 'http-status', wasOpen: false });
        expect(busy.status).toBeUndefined(); // a native EventSource hides it
        expect(html).toMatchObject({ reason: 'http-status', wasOpen: false });
      }
    });

    it('reports an unreachable server as refused', async () => {
      const url = `http://127.0.0.1:${await closedPort()}/stream`;
      const info = await closedOnce(start(endpoint(url).createTransport(context(url))));
      // Firefox's EventSource gives up on a refused connection (CLOSED, as for a bad status) where the
      // others would retry (CONNECTING): from the outside it looks like a refusal by status, which it hides.
      const firefoxEventSource = firefox && downstream === 'eventsource';
      expect(info).toMatchObject({ reason: firefoxEventSource ? 'http-status' : 'refused', wasOpen: false });
      expect(info.status).toBeUndefined();
    });

    it('stays open on a live stream and calls nothing after close()', async () => {
      const transport = endpoint('/__sse/live').createTransport(context('/__sse/live'));
      const events = start(transport);
      await vi.waitFor(() => expect(events.frames.map((f) => f.data)).toEqual(['live']));
      transport.close();
      expect(events.closes).toEqual([]);
    });

    it('POSTs upstream frames in order with the upstream parameters', async () => {
      const box = `${downstream}-${Math.random().toString(36).slice(2)}`;
      const codec = envelope.create({ kind: 'sse', resume: undefined });
      const transport = endpoint('/__sse/live', { postUrl: '/__sse/post' }).createTransport(
        context('/__sse/live', { upstreamParams: () => ({ box }) }),
      );
      start(transport);
      const batchOf = (...frames: OutboundFrame[]) => [codec.batch!(frames)];
      await Promise.all([transport.send(batchOf(codec.encodeEvent('a', [1], 1, false))), transport.send(batchOf(codec.encodeEvent('b', [2], 2, true)))]);
      const posts = (await (await fetch(`/__sse/posts?box=${box}`)).json()) as { contentType: string; body: string }[];
      expect(posts.map((p) => p.contentType)).toEqual(['text/plain;charset=UTF-8', 'text/plain;charset=UTF-8']);
      expect(posts.map((p) => JSON.parse(p.body)[0].name)).toEqual(['a', 'b']);
      const failing = endpoint('/__sse/live', { postUrl: '/__sse/post?fail=1' }).createTransport(context('/__sse/live'));
      await expect(failing.send(['x'])).rejects.toMatchObject({ code: 'send-failed', status: 500 });
    });
  });
}

describe.runIf(inBrowser)('sse over fetch only', () => {
  it('resumes with Last-Event-ID', async () => {
    const events = start(sse('/__sse/events').createTransport(context('/__sse/events', { lastEventId: '41' })));
    await vi.waitFor(() => expect(events.frames.length).toBeGreaterThan(0));
    expect(events.frames[0]).toEqual({ data: 'resumed after 41', event: undefined, id: '41' });
  });

  it('closes with timeout when the first byte is late', async () => {
    const events = start(sse('/__sse/silent', { firstByteTimeoutMs: 500 }).createTransport(context('/__sse/silent')));
    // The deadline counts from the request, so whether the headers came first depends on the machine's
    // load; the close must tell the truth either way. Firefox resolves fetch() with the first byte of the
    // body, not with the headers: there the stream never opens.
    const closed = await closedOnce(events);
    expect(closed).toMatchObject({ reason: 'timeout', wasOpen: events.opened === 1 });
    if (firefox) expect(events.opened).toBe(0);
  });
});
