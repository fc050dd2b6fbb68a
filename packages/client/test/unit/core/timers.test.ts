// Every timer the client arms, from any source, stays within what platform timers take (2^31-1 ms):
// beyond that `setTimeout` overflows and fires after ~1 ms, turning a huge delay into a busy loop.
// Vitest's fake timers overflow as browsers and Node do, so these run on the real system clock
// under fake time: a delay that overflowed shows as a loop within the 10 s advanced here.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createClient, sse, type Client, type ClientOptions, type Endpoint } from '../../../src/index.js';
import { MAX_TIMER_MS } from '../../../src/core/clock.js';
import { socketIoProtocol } from '../../../src/socketio/protocol.js';
import { createEngineIoTransport } from '../../../src/socketio/engineio-transport.js';
import { createFakeEndpoint } from '../../../src/testing/fake-transport.js';
import { createFakeEnvironment } from '../../../src/testing/fake-environment.js';
import { memoryStorage, welcome } from './helpers.js';

/** Far above 2^31-1 ms. */
const HUGE = 3_000_000_000;

/** Every delay handed to the platform's `setTimeout` / `setInterval` since the test started. */
let delays: number[] = [];
const clients: Client[] = [];
const cleanups: (() => void)[] = [];

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  delays = [];
  const [fakeTimeout, fakeInterval] = [globalThis.setTimeout, globalThis.setInterval];
  vi.stubGlobal('setTimeout', (callback: () => void, ms = 0, ...args: unknown[]) => (delays.push(ms), fakeTimeout(callback, ms, ...args)));
  vi.stubGlobal('setInterval', (callback: () => void, ms = 0, ...args: unknown[]) => (delays.push(ms), fakeInterval(callback, ms, ...args)));
});
afterEach(() => {
  for (const client of clients.splice(0)) client.close();
  for (const cleanup of cleanups.splice(0)) cleanup();
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

/** A client on the system clock (no `clock` option): its timers are the platform's. */
function client(options: Partial<ClientOptions> & { endpoints: Endpoint[] }): Client {
  const made = createClient({ autoConnect: false, fallbackMemory: { storage: memoryStorage() }, environment: createFakeEnvironment(), ...options });
  clients.push(made);
  made.connect();
  return made;
}

const tenSeconds = () => vi.advanceTimersByTimeAsync(10_000);
/** How many timers were armed from now on. */
const armedFrom = () => {
  const start = delays.length;
  return () => delays.length - start;
};

/** A fake `fetch` answering every call with `respond()`; counts the calls. */
function fakeFetch(respond: (init: RequestInit | undefined) => Response | Promise<Response>) {
  const calls: RequestInit[] = [];
  const fetch = ((_url: string, init?: RequestInit) => (calls.push(init ?? {}), Promise.resolve(respond(init)))) as typeof globalThis.fetch;
  return { fetch, calls };
}

const eventStream = (text: string) => new Response(text, { headers: { 'content-type': 'text/event-stream' } });
/** A response whose body never sends a byte (until the request is aborted). */
const silentStream = (init: RequestInit | undefined) =>
  new Response(new ReadableStream({ start: (controller) => init?.signal?.addEventListener('abort', () => controller.error(new Error('aborted'))) }), {
    headers: { 'content-type': 'text/event-stream' },
  });

describe('timers from every source stay within 2^31-1 ms', () => {
  const scenarios: [string, () => Promise<void>][] = [
    [
      'an SSE retry: of 3,000,000,000 ms paces the reconnect (no reconnect loop)',
      async () => {
        const { fetch, calls } = fakeFetch(() => eventStream(`retry: ${HUGE}\ndata: x\n\n`));
        client({ endpoints: [sse('http://h.test/events', { protocol: 'raw' })], platform: { fetch } });
        await tenSeconds();
        expect(calls).toHaveLength(1);
      },
    ],
    [
      'a 503 with Retry-After: 3000000 (seconds) paces the reconnect',
      async () => {
        const { fetch, calls } = fakeFetch(() => new Response('busy', { status: 503, headers: { 'retry-after': '3000000' } }));
        client({ endpoints: [sse('http://h.test/events', { protocol: 'raw' })], platform: { fetch } });
        await tenSeconds();
        expect(calls).toHaveLength(1);
      },
    ],
    [
      'a server heartbeat of 3,000,000,000 ms (envelope welcome) is watched without a timer loop',
      async () => {
        const ws = createFakeEndpoint();
        client({ endpoints: [ws] });
        ws.last!.accept();
        ws.last!.receive(welcome({ hb: HUGE }));
        const armed = armedFrom();
        await tenSeconds();
        expect(armed()).toBeLessThan(5);
      },
    ],
    [
      'a Socket.IO (EIO4) ping interval of 3,000,000,000 ms is watched without a timer loop',
      async () => {
        const endpoint = createFakeEndpoint({ kind: 'polling', protocol: socketIoProtocol('/', () => undefined) });
        const made = client({ endpoints: [endpoint] });
        endpoint.last!.accept();
        endpoint.last!.receive({ data: `${HUGE + 20_000}`, event: 'open', id: '4' });
        endpoint.last!.receive('0{"sid":"a"}');
        expect(made.state.status).toBe('open');
        const armed = armedFrom();
        await tenSeconds();
        expect(armed()).toBeLessThan(5);
      },
    ],
    [
      'a Socket.IO (EIO3) ping interval of 3,000,000,000 ms sends no ping storm',
      async () => {
        const handshake = `0{"sid":"s","upgrades":[],"pingInterval":${HUGE},"pingTimeout":1000}`;
        let polls = 0;
        const { fetch, calls } = fakeFetch((init) =>
          init?.method == 'POST' ? new Response('ok') : polls++ ? new Promise<Response>(() => undefined) : new Response(`${handshake.length}:${handshake}`),
        );
        const transport = createEngineIoTransport({ url: 'http://h.test/socket.io/', headers: {}, platform: { fetch } }, { eio: 3, start: 'polling', upgrade: false, credentials: 'omit', maxPayload: Infinity });
        cleanups.push(() => transport.close());
        transport.open();
        await tenSeconds();
        expect(calls.filter((call) => call.method == 'POST')).toHaveLength(0);
      },
    ],
    [
      'client.timeout(3,000,000,000) keeps the request waiting without a timer loop',
      async () => {
        const ws = createFakeEndpoint();
        const made = client({ endpoints: [ws] });
        ws.last!.accept();
        ws.last!.receive(welcome());
        let settled = false;
        void made
          .timeout(HUGE)
          .emitWithAck('slow')
          .catch(() => undefined)
          .finally(() => (settled = true));
        const armed = armedFrom();
        await tenSeconds();
        expect(settled).toBe(false);
        expect(armed()).toBeLessThan(5);
      },
    ],
    [
      'backoff delays of 3,000,000,000 ms wait instead of retrying at once',
      async () => {
        const ws = createFakeEndpoint();
        client({ endpoints: [ws], backoff: { initialDelayMs: HUGE, maxDelayMs: HUGE, minDelayMs: HUGE } });
        ws.last!.accept();
        ws.last!.receive(welcome());
        ws.last!.drop();
        await tenSeconds();
        expect(ws.transports).toHaveLength(1);
      },
    ],
    [
      'connectTimeoutMs, fallbackDelayMs and heartbeat.intervalMs of 3,000,000,000 ms do not fire at once',
      async () => {
        const [ws, second] = [createFakeEndpoint(), createFakeEndpoint({ kind: 'sse' })];
        const made = client({ endpoints: [ws, second], connectTimeoutMs: HUGE, fallbackDelayMs: HUGE, heartbeat: { intervalMs: HUGE } });
        await tenSeconds();
        expect(made.state.status).toBe('connecting');
        expect(second.transports).toHaveLength(0);
      },
    ],
    [
      'reprobeAfterMs of 3,000,000,000 ms probes nothing at once',
      async () => {
        const [ws, second] = [createFakeEndpoint(), createFakeEndpoint({ kind: 'sse' })];
        client({ endpoints: [ws, second], reprobeAfterMs: HUGE, heartbeat: false });
        ws.last!.drop({ reason: 'refused' });
        second.last!.accept();
        second.last!.receive(welcome());
        await tenSeconds();
        expect(ws.transports).toHaveLength(1);
      },
    ],
    [
      'heartbeat.timeoutMs of 3,000,000,000 ms: an offline link stays suspect without a timer loop',
      async () => {
        const ws = createFakeEndpoint();
        const environment = createFakeEnvironment();
        const made = client({ endpoints: [ws], environment, heartbeat: { timeoutMs: HUGE } });
        ws.last!.accept();
        ws.last!.receive(welcome());
        environment.emit('offline');
        const armed = armedFrom();
        await tenSeconds();
        expect(made.state.status).toBe('open');
        expect(armed()).toBeLessThan(5);
      },
    ],
    [
      "sse's firstByteTimeoutMs of 3,000,000,000 ms does not end a quiet stream at once",
      async () => {
        const { fetch, calls } = fakeFetch(silentStream);
        const made = client({ endpoints: [sse('http://h.test/events', { protocol: 'raw', firstByteTimeoutMs: HUGE })], platform: { fetch } });
        await tenSeconds();
        expect(made.state.status).toBe('open');
        expect(calls).toHaveLength(1);
      },
    ],
    [
      "sse's postTimeoutMs of 3,000,000,000 ms does not abort a POST at once",
      async () => {
        let aborted = false;
        const { fetch } = fakeFetch((init) =>
          init?.method == 'POST' ? new Promise<Response>((_, reject) => init.signal?.addEventListener('abort', () => ((aborted = true), reject(new Error('aborted'))))) : silentStream(init),
        );
        const made = client({ endpoints: [sse('http://h.test/events', { protocol: 'raw', postTimeoutMs: HUGE, firstByteTimeoutMs: 0 })], platform: { fetch } });
        await vi.advanceTimersByTimeAsync(0);
        made.send('hello');
        await tenSeconds();
        expect(aborted).toBe(false);
      },
    ],
  ];

  it.each(scenarios)('%s', async (_name, scenario) => {
    await scenario();
    expect(delays.length).toBeGreaterThan(0);
    expect(Math.max(...delays)).toBeLessThanOrEqual(MAX_TIMER_MS);
  });
});
