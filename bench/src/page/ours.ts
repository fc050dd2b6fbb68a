// Page script 2: @unisocket/client (bundled from its source) as peers, watchers and the fallback trial.
import { connect, connectSocketIo, createClient, sse, websocket, type Client } from '@unisocket/client';
import { LOOPBACK_URL, LoopbackWebSocket } from './loopback.js';
import { PAYLOAD } from './payload.js';
import type { Peer, WatchEvent, Watcher } from './types.js';

const bench = window.bench;
const OPEN_TIMEOUT_MS = 15_000;
/** Flow control of the upstream benchmark: stop firing at this many waiting messages (the outbox holds 1,000 by default). */
const OUTBOX_HIGH = 500;
const OUTBOX_LOW = 100;

/** Resolves with the transport once `client` is open (first real frame); rejects on a terminal close. */
function opened(client: Client, timeoutMs: number): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not open within ${timeoutMs} ms (state ${client.state.status})`)), timeoutMs);
    const offOpen = client.lifecycle.on('open', (event) => {
      clearTimeout(timer);
      offOpen();
      offClose();
      resolve(event.transport);
    });
    const offClose = client.lifecycle.on('close', (event) => {
      if (!event.terminal) return;
      clearTimeout(timer);
      offOpen();
      offClose();
      reject(new Error(`closed: ${event.reason} ${event.error?.message ?? ''}`));
    });
  });
}

async function ourPeer(create: () => Client): Promise<Peer> {
  const client = create();
  let transport: string;
  try {
    transport = await opened(client, OPEN_TIMEOUT_MS);
  } catch (error) {
    client.close();
    throw error;
  }
  let waiting = 0;
  let drained: (() => void) | undefined;
  client.lifecycle.on('outbox', (event) => {
    waiting = event.size;
    if (waiting <= OUTBOX_LOW) drained?.();
  });
  return {
    get transport() {
      return client.transport ?? transport;
    },
    ask: (payload) => client.emitWithAck('echo', payload),
    fire: (payload) => client.emit('echo', payload),
    room: () => (waiting >= OUTBOX_HIGH ? new Promise<void>((resolve) => (drained = resolve)) : undefined),
    on: (name, listener) => void client.on(name, listener),
    join: async (room) => void (await client.emitWithAck('join', room)),
    close: () => client.close(),
  };
}

const rt = (harnessUrl: string) => `${harnessUrl}/rt`;

bench.peers['ours-default'] = (url) => ourPeer(() => connect(url));
bench.peers['ours-ws'] = (url) => ourPeer(() => createClient({ endpoints: [websocket(rt(url))] }));
bench.peers['ours-sse'] = (url) => ourPeer(() => createClient({ endpoints: [sse(rt(url))] }));
// WebSocket only, as the socket.io-client it is compared with (`transports: ['websocket']`).
bench.peers['ours-socket.io'] = (url) => ourPeer(() => connectSocketIo(url, { transports: ['websocket'] }));
// The same against the in-page loopback server: our own cost per round trip, no network.
bench.peers['ours-socket.io-loopback'] = () =>
  ourPeer(() => connectSocketIo(LOOPBACK_URL, { transports: ['websocket'], platform: { WebSocket: LoopbackWebSocket as unknown as typeof WebSocket } }));

/** `connect(url)` with every default. */
bench.watchers['unisocket'] = (url): Watcher => {
  const events: WatchEvent[] = [];
  const client = connect(url);
  client.lifecycle.on('open', (event) => events.push({ type: 'open', at: Date.now(), transport: event.transport }));
  client.lifecycle.on('state', (event) => {
    if (event.from.status === 'open' && event.to.status !== 'open') events.push({ type: 'lost', at: Date.now() });
  });
  return { events, close: () => client.close() };
};

/**
 * `connect(url)`, or a WebSocket-only client, with every default, tracing each attempt (WebSocket
 * created, opened, closed; SSE stream and POST requests started and answered) and each decision (retry
 * delay and reason, fallback): why a reconnection took as long as it did (groups/engines.ts).
 */
function tracedWatcher(url: string, webSocketOnly: boolean): Watcher {
  const events: WatchEvent[] = [];
  const note = (text: string) => events.push({ type: 'trace', at: Date.now(), note: text });
  let sockets = 0;
  let requests = 0;
  class TracedWebSocket extends WebSocket {
    constructor(target: string | URL, protocols?: string | string[]) {
      super(target, protocols);
      const n = ++sockets;
      note(`ws#${n} created`);
      this.addEventListener('open', () => note(`ws#${n} open`));
      this.addEventListener('close', (event) => note(`ws#${n} close ${event.code}${event.wasClean ? ' clean' : ''}`));
    }
  }
  const tracedFetch: typeof fetch = (input, init) => {
    const n = ++requests;
    const what = `${init?.method ?? 'GET'}#${n}`;
    note(`${what} started`);
    return fetch(input, init).then(
      (response) => (note(`${what} answered ${response.status}`), response),
      (error: unknown) => {
        note(`${what} failed ${(error as Error).name}`);
        throw error;
      },
    );
  };
  const options = { platform: { WebSocket: TracedWebSocket, fetch: tracedFetch } };
  const client = webSocketOnly ? createClient({ ...options, endpoints: [websocket(rt(url))] }) : connect(url, options);
  client.lifecycle.on('open', (event) => events.push({ type: 'open', at: Date.now(), transport: event.transport }));
  client.lifecycle.on('state', (event) => {
    if (event.from.status === 'open' && event.to.status !== 'open') events.push({ type: 'lost', at: Date.now() });
  });
  client.lifecycle.on('reconnecting', (event) => note(`retry ${event.attempt} in ${Math.round(event.delayMs)} ms (${event.reason})`));
  client.lifecycle.on('fallback', (event) => note(`fallback ${event.from.split(' ')[0]} -> ${event.to.split(' ')[0]} (${event.reason})`));
  return { events, close: () => client.close() };
}

bench.watchers['unisocket-traced'] = (url) => tracedWatcher(url, false);
bench.watchers['unisocket-ws-traced'] = (url) => tracedWatcher(url, true);

/** `connect([a, b])` with every default: `urls` holds the nodes of one cluster, space-separated. */
bench.watchers['unisocket-cluster'] = (urls): Watcher => {
  const events: WatchEvent[] = [];
  const client = connect(urls.split(' '));
  client.lifecycle.on('open', ({ transport, endpoint, resumed }) => events.push({ type: 'open', at: Date.now(), transport, endpoint, resumed }));
  client.lifecycle.on('state', (event) => {
    if (event.from.status === 'open' && event.to.status !== 'open') events.push({ type: 'lost', at: Date.now() });
  });
  return { events, close: () => client.close() };
};

bench.fallbackTrial = async (url, timeoutMs) => {
  // The winner of an earlier trial is remembered per origin: every trial starts from nothing.
  localStorage.clear();
  const start = performance.now();
  const client = connect(url);
  try {
    const transport = await opened(client, timeoutMs);
    const openMs = performance.now() - start;
    await client.timeout(timeoutMs).emitWithAck('echo', PAYLOAD);
    return { openMs, workingMs: performance.now() - start, transport };
  } finally {
    client.close();
  }
};
