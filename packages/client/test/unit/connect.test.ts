import { describe, expect, it, vi } from 'vitest';
import { connect } from '../../src/connect.js';
import { createFakeClock } from '../../src/testing/fake-clock.js';
import { createFakeEnvironment } from '../../src/testing/fake-environment.js';
import type { LifecycleEvents } from '../../src/core/lifecycle.js';
import { flush, serverEvent, welcome } from './core/helpers.js';

/**
 * The platform `WebSocket` and `fetch` of a cluster of fake nodes, by host: a node that is down
 * refuses every WebSocket and every request at once (what a killed process's closed port does); a
 * node that is up leaves sockets connecting until the test accepts them, and SSE requests pending.
 */
function fakeCluster() {
  const down = new Set<string>();
  const sockets: FakeSocket[] = [];
  const requests: string[] = [];
  class FakeSocket {
    onopen: (() => void) | null = null;
    onclose: ((event: { code: number; reason: string }) => void) | null = null;
    onmessage: ((event: { data: string }) => void) | null = null;
    onerror: (() => void) | null = null;
    binaryType = 'arraybuffer';
    readyState = 0;
    readonly sent: Record<string, unknown>[] = [];
    constructor(readonly url: string) {
      sockets.push(this);
      if (down.has(new URL(url).host)) queueMicrotask(() => this.end());
    }
    send(text: string) {
      this.sent.push(JSON.parse(text) as Record<string, unknown>);
    }
    close() {
      this.readyState = 3;
    }
    /** Server side: the upgrade succeeds and the server says `frames`. */
    accept(...frames: string[]) {
      this.readyState = 1;
      this.onopen?.();
      for (const data of frames) this.onmessage?.({ data });
    }
    say(data: string) {
      this.onmessage?.({ data });
    }
    /** The node's process is gone: the socket ends without a close frame. */
    end() {
      this.readyState = 3;
      this.onclose?.({ code: 1006, reason: '' });
    }
  }
  const fetch = (input: string | URL | Request) => {
    const url = String(input instanceof Request ? input.url : input);
    requests.push(url);
    return down.has(new URL(url).host) ? Promise.reject(new TypeError('fetch failed: ECONNREFUSED')) : new Promise<Response>(() => undefined);
  };
  return {
    platform: { WebSocket: FakeSocket as unknown as typeof WebSocket, fetch: fetch as typeof globalThis.fetch },
    sockets,
    requests,
    /** Kills the node at `host`: its open sockets end, new ones are refused. */
    kill(host: string) {
      down.add(host);
      for (const socket of sockets) if (new URL(socket.url).host === host && socket.readyState < 2) socket.end();
    },
    /** The newest socket opened to `host`. */
    socketTo: (host: string) => sockets.filter((socket) => new URL(socket.url).host === host).at(-1),
  };
}

function clusterClient(urls: string[]) {
  const cluster = fakeCluster();
  const clock = createFakeClock(1_000_000);
  const client = connect(urls, {
    platform: cluster.platform,
    clock,
    environment: createFakeEnvironment(),
    random: () => 0.5,
    fallbackMemory: false,
    autoConnect: false,
  });
  const seen: unknown[] = [];
  client.on('news', (value) => void seen.push(value));
  const opens: LifecycleEvents['open'][] = [];
  client.lifecycle.on('open', (event) => void opens.push(event));
  const gaps: LifecycleEvents['gap'][] = [];
  client.lifecycle.on('gap', (event) => void gaps.push(event));
  client.connect();
  return { client, clock, cluster, seen, opens, gaps };
}

describe('connect([urlA, urlB]): the nodes of one cluster', () => {
  it('is [websocket(A), sse(A), websocket(B), sse(B)]: with A refusing, the client ends up on B', async () => {
    const { client, cluster, clock } = clusterClient(['http://a.test:1', 'https://b.test:2/chat']);
    cluster.kill('a.test:1');
    await flush();
    clock.advance(0);
    // The SSE carrier's code loads on demand (its first attempt waits for it): a few ticks, not a timer.
    await vi.waitFor(() => expect(cluster.sockets.map((socket) => socket.url)).toEqual(['ws://a.test:1/rt', 'wss://b.test:2/chat']));
    expect(cluster.requests.map((url) => url.split('?')[0])).toEqual(['http://a.test:1/rt']);
    cluster.socketTo('b.test:2')!.accept(welcome());
    expect(client.endpoint?.label).toBe('websocket https://b.test:2/chat');
    client.close();
  });

  it('moves to node B when node A dies and resumes the session there: nothing lost, nothing twice, in order', async () => {
    const { client, cluster, clock, seen, opens, gaps } = clusterClient(['http://a.test:1', 'http://b.test:2']);
    await flush();
    const onA = cluster.socketTo('a.test:1')!;
    onA.accept(welcome({ session: 's1' }), serverEvent(1, 'news', 1), serverEvent(2, 'news', 2));
    expect(opens.at(-1)).toMatchObject({ endpoint: 'websocket http://a.test:1/rt', resumed: false });

    cluster.kill('a.test:1');
    client.emit('news', 'written while moving');
    // One backoff delay, then A's WebSocket and SSE are refused at once and B's WebSocket starts.
    clock.advance(100);
    const onB = await vi.waitFor(() => cluster.socketTo('b.test:2') ?? Promise.reject(new Error('no socket to B yet')));
    // B replays what the client may have missed (2 again, as after a write-ahead race) and goes on.
    onB.accept(welcome({ session: 's1', resumed: true }), serverEvent(2, 'news', 2), serverEvent(3, 'news', 3));
    expect(onB.sent[0]).toMatchObject({ t: 'hello', token: 's1', lastSeq: 2 });
    onB.say(serverEvent(4, 'news', 4));

    expect(seen).toEqual([1, 2, 3, 4]);
    expect(opens.at(-1)).toMatchObject({ endpoint: 'websocket http://b.test:2/rt', resumed: true, recovered: true });
    expect(gaps).toEqual([]);
    // What was emitted while no node was reachable went to B.
    expect(onB.sent.filter((frame) => frame.t === 'event')).toEqual([expect.objectContaining({ name: 'news', args: ['written while moving'] })]);
    client.close();
  });

  it('stays on node A when only the connection dropped (A still answers)', async () => {
    const { client, cluster, clock } = clusterClient(['http://a.test:1', 'http://b.test:2']);
    await flush();
    cluster.socketTo('a.test:1')!.accept(welcome({ session: 's1' }));
    cluster.socketTo('a.test:1')!.end();
    clock.advance(100);
    await flush();
    expect(cluster.sockets.map((socket) => socket.url)).toEqual(['ws://a.test:1/rt', 'ws://a.test:1/rt']);
    client.close();
  });
});

describe('connect() checks its URLs at construction', () => {
  const options = { autoConnect: false } as const;

  it.each([
    [[], '"url" must be a URL or a non-empty array of URLs, got an empty array'],
    [42, '"url" must be a URL or a non-empty array of URLs, got number'],
    [['http://a.test', 7], '"url[1]" must be a string, got number'],
    [['http://a.test', null], '"url[1]" must be a string, got object'],
    ['ftp://a.test/rt', '"url" must be an http(s) or ws(s) URL, got "ftp://a.test/rt"'],
    [['http://a.test', 'mailto:ops@b.test'], '"url[1]" must be an http(s) or ws(s) URL, got "mailto:ops@b.test"'],
    [['http://a.test', 'http://a.test/rt'], '"url[1]" repeats an earlier URL: "http://a.test/rt"'],
  ])('connect(%j) throws a TypeError', (url, message) => {
    expect(() => connect(url as string[], options)).toThrowError(new TypeError(`unisocket connect(): ${message}`));
  });

  it('accepts ws(s) and http(s) URLs of different nodes, and the same host on different ports', () => {
    const client = connect(['ws://a.test/rt', 'wss://b.test', 'http://a.test:8081', 'https://c.test/rt'], options);
    expect(client.state.status).toBe('idle');
  });
});
