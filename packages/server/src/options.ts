import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Adapter } from './adapters/adapter.js';
import { memoryAdapter } from './adapters/memory.js';
import type { SseStream } from './carriers/sse-stream.js';
import { resolveCors, type CorsOptions, type CorsPolicy } from './http/cors.js';

export interface ServerOptions<Data = Record<string, unknown>> {
  /** The path of the endpoint: WebSocket upgrades, SSE `GET`, upstream `POST`. @default '/rt' */
  path?: string;
  /** Where sessions, replay logs and rooms live: one process, or shared by many nodes. @default memoryAdapter() */
  adapter?: Adapter;
  /**
   * Runs on every new session and every resume (WebSocket: before the upgrade is accepted; SSE: before
   * the stream starts) with the request (headers, cookies, query). Return (or resolve) the new session's
   * initial `socket.data`; return `false` or throw `AuthError` to refuse: HTTP 401 (or the `AuthError`'s
   * 403), which the client reports as `unauthorized`. Any other error is a 500 (the client retries) and
   * goes to the `error` listeners. Upstream POSTs are authorized by the session's resume token.
   * @default every request is accepted with `data` `{}`
   */
  authenticate?: (request: IncomingMessage) => Data | undefined | false | Promise<Data | undefined | false>;
  /** Which cross-origin pages may connect. @default same origin only (no CORS headers; other origins get 403) */
  cors?: CorsOptions;
  /** Interval of `ping` frames, and of the WebSocket liveness check (a socket silent for two is dropped), in ms. @default 5000 */
  heartbeatMs?: number;
  /** Largest WebSocket message / POST body in bytes: close 1009 / HTTP 413 above. @default 1048576 (1 MiB) */
  maxFrameBytes?: number;
  /** Sequenced frames kept per session for resume. @default 1000 */
  replayFrames?: number;
  /** Bytes kept per session for resume (oldest frames go first). @default 1048576 (1 MiB) */
  replayBytes?: number;
  /** How long a session without a connection is kept for resume, in ms. @default 120000 */
  detachedTtlMs?: number;
  /**
   * The send queue of one connection, in bytes. A client that stops reading, or reads a burst slower
   * than the server writes it, until its queue is over this is a slow consumer: its connection is cut
   * (the session stays detached, so a client that comes back resumes from its log, with a `gap` for
   * what the log no longer holds). A resume's replay is never cut (the log bounds it): memory per
   * connection stays within the larger of this and `replayBytes`, plus one frame. @default twice `replayBytes`
   */
  maxBufferedBytes?: number;
  /** How long `close()` waits for connections to finish and handlers to settle before cutting them, in ms. @default 5000 */
  closeGraceMs?: number;
  /** SSE `retry:` sent once per stream (paces a native EventSource's own reconnects), in ms. @default 1000 */
  sseRetryMs?: number;
  /**
   * Opens the SSE response of `GET` (after authentication, before the session). Return the stream, or
   * undefined after answering `res` yourself (a proxy rule, a test's injected fault). The default writes
   * `200 text/event-stream`, LF line endings. @default standard SSE
   */
  openSseStream?: (request: IncomingMessage, response: ServerResponse) => SseStream | undefined;
  /** Where informational lines go (rejected frames, refused requests). @default nowhere */
  log?: (line: string) => void;
}

export interface ResolvedOptions<Data> {
  path: string;
  adapter: Adapter;
  authenticate: ServerOptions<Data>['authenticate'];
  cors: CorsPolicy;
  heartbeatMs: number;
  maxFrameBytes: number;
  replayFrames: number;
  replayBytes: number;
  detachedTtlMs: number;
  maxBufferedBytes: number;
  closeGraceMs: number;
  sseRetryMs: number;
  openSseStream: ServerOptions<Data>['openSseStream'];
  log: (line: string) => void;
}

const KNOWN = new Set([
  'path',
  'adapter',
  'authenticate',
  'cors',
  'heartbeatMs',
  'maxFrameBytes',
  'replayFrames',
  'replayBytes',
  'detachedTtlMs',
  'maxBufferedBytes',
  'closeGraceMs',
  'sseRetryMs',
  'openSseStream',
  'log',
]);

/** Fills in the defaults; a bad option is a TypeError naming it. */
export function resolveOptions<Data>(options: ServerOptions<Data>): ResolvedOptions<Data> {
  if (typeof options !== 'object' || options === null) throw new TypeError('unisocket server: options must be an object');
  for (const key of Object.keys(options)) if (!KNOWN.has(key)) throw new TypeError(`unisocket server: unknown option "${key}"`);
  const positive = (name: keyof ServerOptions, fallback: number, min = 1): number => {
    const value = options[name as keyof ServerOptions<Data>] ?? fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
      throw new TypeError(`unisocket server: option ${name} must be an integer >= ${min}; got ${JSON.stringify(value)}`);
    }
    return value;
  };
  const fn = (name: 'authenticate' | 'openSseStream' | 'log') => {
    const value = options[name];
    if (value !== undefined && typeof value !== 'function') throw new TypeError(`unisocket server: option ${name} must be a function`);
  };
  const path = options.path ?? '/rt';
  if (typeof path !== 'string' || !path.startsWith('/') || /[?#\s]/.test(path)) {
    throw new TypeError(`unisocket server: option path must be a URL path such as "/rt"; got ${JSON.stringify(path)}`);
  }
  fn('authenticate');
  fn('openSseStream');
  fn('log');
  const adapter = options.adapter ?? memoryAdapter();
  for (const method of ['init', 'create', 'resume', 'append', 'broadcast', 'close'] as const) {
    if (typeof (adapter as unknown as Record<string, unknown>)[method] !== 'function') throw new TypeError(`unisocket server: option adapter must be an Adapter (no ${method}())`);
  }
  const replayBytes = positive('replayBytes', 1 << 20);
  return {
    path,
    adapter,
    authenticate: options.authenticate,
    cors: resolveCors(options.cors),
    heartbeatMs: positive('heartbeatMs', 5000),
    maxFrameBytes: positive('maxFrameBytes', 1 << 20),
    replayFrames: positive('replayFrames', 1000),
    replayBytes,
    detachedTtlMs: positive('detachedTtlMs', 120_000),
    maxBufferedBytes: positive('maxBufferedBytes', 2 * replayBytes),
    closeGraceMs: positive('closeGraceMs', 5000, 0),
    sseRetryMs: positive('sseRetryMs', 1000, 0),
    openSseStream: options.openSseStream,
    log: options.log ?? (() => undefined),
  };
}
