// One harness per conformance file, real network: the harness on a free port with test controls, the
// faults reset and every client closed after each test. Nothing here reads a client's private state:
// tests observe the public lifecycle channel, application events and the harness's HTTP answers.
import { request as httpRequest } from 'node:http';
import { startHarness, type Harness, type HarnessOptions } from '@unisocket/harness-server';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { Client, LifecycleEvents, Platform, StorageLike } from '../../src/index.js';

/** Lifecycle types recorded for every client. */
const LIFECYCLE: (keyof LifecycleEvents)[] = ['state', 'open', 'reconnecting', 'fallback', 'error', 'close', 'outbox', 'heartbeat', 'gap'];

/** Every lifecycle event of one client, in order. */
export interface Recorder {
  readonly events: { type: keyof LifecycleEvents; event: unknown }[];
  /** Events of one type, optionally only those recorded from index `since` on (see `mark`). */
  of<K extends keyof LifecycleEvents>(type: K, since?: number): LifecycleEvents[K][];
  /** The current position, to look at what happens from now on. */
  mark(): number;
}

export function record(client: Client): Recorder {
  const events: Recorder['events'] = [];
  for (const type of LIFECYCLE) client.lifecycle.on(type, (event: unknown) => events.push({ type, event }));
  return {
    events,
    of: <K extends keyof LifecycleEvents>(type: K, since = 0) =>
      events.slice(since).filter((entry) => entry.type === type).map((entry) => entry.event as LifecycleEvents[K]),
    mark: () => events.length,
  };
}

/** A fresh fallback memory per client, so a winner remembered by one test never steers another. */
export function memoryStorage(): StorageLike {
  const items = new Map<string, string>();
  return { getItem: (key) => items.get(key) ?? null, setItem: (key, value) => void items.set(key, value) };
}

/** A barrier tests open and close by hand (for example: hold one client's reconnect until another is back). */
export interface Gate {
  wait(): Promise<void>;
  open(): void;
  close(): void;
}

export function createGate(): Gate {
  let opened = true;
  const waiters: (() => void)[] = [];
  return {
    wait: () => (opened ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve))),
    open() {
      opened = true;
      for (const resolve of waiters.splice(0)) resolve();
    },
    close() {
      opened = false;
    },
  };
}

export interface HttpAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** The harness of one test file, as tests use it. */
export interface Bench {
  /** `http://127.0.0.1:PORT` */
  readonly http: string;
  /** `ws://127.0.0.1:PORT` */
  readonly ws: string;
  /** `POST /_control/{name}` with `params`; throws unless 200. */
  control(name: string, params?: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** POSTs `body` as JSON to `path`. */
  post(path: string, body: unknown): Promise<HttpAnswer>;
  /** Closes `client` after the test (before the faults are reset). */
  track<C extends Client>(client: C): C;
  /** Resolves once the harness answers `/healthz` again (after a `restart`). */
  healthy(): Promise<void>;
  /**
   * Restarts the harness and holds it down (connections dropped, new ones refused) until `release()`,
   * which resolves once it listens again: what a test does "while down" never races a timer.
   */
  restart(): Promise<{ release(): Promise<void> }>;
}

/**
 * One request on a connection of its own (`agent: false`): pooled keep-alive connections may have been
 * blackholed by a fault, and a test's own control requests must never hang on one.
 */
function request(url: string, method: 'GET' | 'POST', body?: unknown): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers = payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) };
    const req = httpRequest(url, { method, agent: false, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

async function isHealthy(http: string): Promise<boolean> {
  try {
    return (await request(`${http}/healthz`, 'GET')).status === 200;
  } catch {
    return false;
  }
}

/**
 * Starts one harness for the calling test file (beforeAll/afterAll) and cleans up after each test:
 * every tracked client is closed, then `POST /_control/reset`.
 */
export function useHarness(options: Partial<HarnessOptions> = {}): Bench {
  let harness: Harness | undefined;
  const clients = new Set<Client>();
  /** Release URLs of restarts still held: released after each test. */
  const held = new Set<string>();
  const base = () => {
    if (!harness) throw new Error('the harness is not running (use the bench inside tests)');
    return harness.url;
  };
  const bench: Bench = {
    get http() {
      return base();
    },
    get ws() {
      return base().replace(/^http/, 'ws');
    },
    async control(name, params = {}) {
      const answer = await request(`${base()}/_control/${name}`, 'POST', params);
      if (answer.status !== 200) throw new Error(`control ${name} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
      return answer.body;
    },
    post: (path, body) => request(`${base()}${path}`, 'POST', body),
    track(client) {
      clients.add(client);
      return client;
    },
    healthy: () => expect.poll(() => isHealthy(base()), { timeout: 10_000, interval: 50 }).toBe(true),
    async restart() {
      const { release } = await bench.control('restart', { hold: true });
      const url = String(release);
      held.add(url);
      return {
        async release() {
          if (!held.delete(url)) return;
          const answer = await request(url, 'POST');
          if (answer.status !== 200) throw new Error(`the release answered ${answer.status}: ${JSON.stringify(answer.body)}`);
        },
      };
    },
  };

  beforeAll(async () => {
    harness = await startHarness({ port: 0, testControls: true, log: () => undefined, ...options });
  });
  afterEach(async () => {
    for (const client of clients) client.close();
    clients.clear();
    for (const url of held) await request(url, 'POST').catch(() => undefined);
    held.clear();
    await bench.healthy();
    await bench.control('reset');
  });
  afterAll(async () => {
    await harness?.close();
    harness = undefined;
  });
  return bench;
}

/**
 * Registers a behaviour test only where it applies to the kind: structurally inapplicable
 * combinations are left out (not skipped), so every registered test runs.
 */
export function when(applies: boolean, name: string, fn: () => Promise<void>, timeout?: number): void {
  if (applies) it(name, fn, timeout);
}

/** Platform classes that count the connections a client opens (WebSockets and SSE GETs; not POSTs). */
export function countingPlatform(): { platform: Platform; readonly opened: number } {
  let opened = 0;
  const Base = globalThis.WebSocket;
  class CountingWebSocket extends Base {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      opened++;
    }
  }
  const countingFetch: typeof fetch = (input, init) => {
    if ((init?.method ?? 'GET') === 'GET') opened++;
    return fetch(input, init);
  };
  return {
    platform: { WebSocket: CountingWebSocket, fetch: countingFetch },
    get opened() {
      return opened;
    },
  };
}

/** Paces a producer (not a wait for a condition: use `expect.poll` for those). */
export const pace = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
