/**
 * Shared test helpers for the harness tests (stable: other test files import them read-only).
 *
 * - `startTestHarness(options)`: a harness on a free port with test controls on and logs collected.
 * - `control(url, name, params)`: `POST /_control/{name}` with JSON params, answers the JSON.
 * - `postJson(url, body)` / `getJson(url)`: fetch helpers answering `{ status, body, headers }`.
 * - `wsUrl(httpUrl, path)`: the `ws://` URL of a path on the harness.
 * - `WsPeer.open(url)`: a `ws` client that collects text messages and its close.
 * - `SseReader.open(url)`: a fetch-stream SSE reader that keeps the raw text.
 * - `Peers`: closes every peer a test opened (`peers.add(x)` in the test, `peers.closeAll()` in afterEach).
 */
import { vi } from 'vitest';
import { WebSocket } from 'ws';
import type { ClientOptions, RawData } from 'ws';
import { startHarness } from '../src/index.js';
import type { Harness, HarnessOptions } from '../src/index.js';

export interface TestHarness extends Harness {
  /** Log lines the harness wrote so far. */
  readonly logs: string[];
}

/** Starts a harness on a free loopback port, with `testControls: true` unless told otherwise. */
export async function startTestHarness(options: Partial<HarnessOptions> = {}): Promise<TestHarness> {
  const logs: string[] = [];
  const harness = await startHarness({ testControls: true, log: (line) => logs.push(line), ...options });
  return Object.assign(harness, { logs });
}

export interface HttpAnswer<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

async function answer<T>(response: Response): Promise<HttpAnswer<T>> {
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, headers: response.headers, body: body as T };
}

/** `POST /_control/{name}` with `params` as JSON; throws unless it answers 200. */
export async function control(baseUrl: string, name: string, params: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const result = await postJson<Record<string, unknown>>(`${baseUrl}/_control/${name}`, params);
  if (result.status !== 200) throw new Error(`control ${name} answered ${result.status}: ${JSON.stringify(result.body)}`);
  return result.body;
}

/** POSTs `body` as JSON (a string is sent as is, with the JSON content type). */
export async function postJson<T = unknown>(url: string, body: unknown, headers: Record<string, string> = {}): Promise<HttpAnswer<T>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return answer<T>(response);
}

export async function getJson<T = unknown>(url: string): Promise<HttpAnswer<T>> {
  return answer<T>(await fetch(url));
}

/** `http://host:port` + path → `ws://host:port/path`. */
export function wsUrl(httpUrl: string, path: string): string {
  return httpUrl.replace(/^http/, 'ws') + path;
}

export interface CloseInfo {
  code: number;
  reason: string;
}

/** A `ws` client that records every text message and how it closed. */
export class WsPeer {
  readonly messages: string[] = [];
  /** Response headers of the accepted upgrade. */
  headers: Record<string, string | string[] | undefined> = {};
  readonly closed: Promise<CloseInfo>;
  private closeInfo: CloseInfo | undefined;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: RawData) => this.messages.push(rawText(data)));
    ws.on('upgrade', (response) => (this.headers = response.headers));
    ws.on('error', () => {}); // surfaced through `opened` / `closed`
    this.closed = new Promise((resolve) =>
      ws.once('close', (code, reason) => {
        this.closeInfo = { code, reason: reason.toString() };
        resolve(this.closeInfo);
      }),
    );
  }

  /** Opens and waits for `open`; rejects with the HTTP status on a refused upgrade (`Unexpected server response: 403`). */
  static async open(url: string, options: ClientOptions = {}): Promise<WsPeer> {
    const peer = WsPeer.connect(url, options);
    await peer.opened();
    return peer;
  }

  /** Starts connecting without waiting (for upgrades that are expected to fail or hang). */
  static connect(url: string, options: ClientOptions = {}): WsPeer {
    return new WsPeer(new WebSocket(url, options));
  }

  /** Resolves on `open`, rejects on `error` or an early close. */
  opened(): Promise<void> {
    if (this.ws.readyState === WebSocket.OPEN) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
      this.ws.once('close', (code) => reject(new Error(`closed before open (${code})`)));
    });
  }

  get isClosed(): boolean {
    return this.closeInfo !== undefined;
  }

  /** Waits for the `count`-th message (1-based) and answers it. */
  async nth(count: number, timeoutMs = 3000): Promise<string> {
    return vi.waitFor(
      () => {
        const message = this.messages[count - 1];
        if (message === undefined) throw new Error(`no message ${count} yet; got ${JSON.stringify(this.messages)}`);
        return message;
      },
      { timeout: timeoutMs, interval: 5 },
    );
  }

  send(text: string): void {
    this.ws.send(text);
  }

  close(): void {
    if (this.ws.readyState === WebSocket.CONNECTING || this.ws.readyState === WebSocket.OPEN) this.ws.terminate();
  }
}

/** Reads an SSE response as raw text through `fetch` (so status, headers and bytes can be checked). */
export class SseReader {
  text = '';
  readonly bytes: number[] = [];
  readonly ended: Promise<void>;
  private constructor(
    readonly response: Response,
    private readonly abort: AbortController,
  ) {
    this.ended = this.pump();
  }

  static async open(url: string, headers: Record<string, string> = {}): Promise<SseReader> {
    const abort = new AbortController();
    const response = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal });
    return new SseReader(response, abort);
  }

  private async pump(): Promise<void> {
    if (!this.response.body) return;
    const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
    try {
      for await (const chunk of this.response.body as unknown as AsyncIterable<Uint8Array>) {
        for (const byte of chunk) this.bytes.push(byte);
        this.text += decoder.decode(chunk, { stream: true });
      }
    } catch {
      // aborted or cut: `ended` still resolves
    }
  }

  /** Waits until the raw text contains `needle`. */
  async waitFor(needle: string | RegExp, timeoutMs = 3000): Promise<void> {
    await vi.waitFor(
      () => {
        const found = typeof needle === 'string' ? this.text.includes(needle) : needle.test(this.text);
        if (!found) throw new Error(`no ${String(needle)} yet; got ${JSON.stringify(this.text)}`);
      },
      { timeout: timeoutMs, interval: 5 },
    );
  }

  close(): void {
    this.abort.abort();
  }
}

/** Anything a test opens and must close. */
export interface Closable {
  close(): unknown;
}

/** Collects what a test opens so `afterEach` can close it all. */
export class Peers {
  private readonly open = new Set<Closable>();

  add<T extends Closable>(peer: T): T {
    this.open.add(peer);
    return peer;
  }

  closeAll(): void {
    for (const peer of this.open) peer.close();
    this.open.clear();
  }
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data as ArrayBuffer).toString('utf8');
}
