import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

/** Options of one harness instance (CLI flags map onto these). */
export interface HarnessOptions {
  /** TCP port; 0 asks the OS for a free one. Default 0 from code, 8080 from the CLI. */
  port: number;
  /** Interface to bind. Default `127.0.0.1` (loopback only). */
  host: string;
  /** Enables `POST /_control/*` fault injection. Default false. */
  testControls: boolean;
  /**
   * Web page origins that may use the controls (`/_control/*`, gateway start/stop/restart), e.g. the
   * demo page's `http://127.0.0.1:5173`, or `http://127.0.0.1:*` for any port. Requests without an
   * `Origin` (programs, not pages) always may. Default none.
   */
  controlOrigins: readonly string[];
  /** Seconds after which a plain SSE response is ended, as a CFML request timeout would. Default 25. */
  sseMaxAgeSeconds: number;
  /** Largest accepted WebSocket message / POST body in bytes; larger gets close 1009 / HTTP 413. Default 1 MiB. */
  maxFrameBytes: number;
  /** Envelope heartbeat interval in ms (`/rt`). Default 5000. */
  heartbeatMs: number;
  /**
   * The send queue of one `/rt` connection in bytes: a client whose queue passes it is cut as a slow
   * consumer and resumes from its session's log (`maxBufferedBytes` of `@unisocket/server`). Default 2097152 (2 MiB).
   */
  maxBufferedBytes: number;
  /** Interval of SSE comment heartbeats on `/sse/*` in ms. Default 10000. */
  sseCommentMs: number;
  /** Most `/sse/{channel}` channels kept at once (the least recently used one without a stream makes room). Default 256. */
  sseMaxChannels: number;
  /** Bytes a channel keeps for replay and for queue consumers, oldest dropped first. Default 262144 (256 KiB). */
  sseChannelBytes: number;
  /** A channel without a stream and without a post for this long is removed with its log, in ms; 0 = never. Default 300000. */
  sseChannelIdleMs: number;
  /**
   * Delay of the Socket.IO tutorial's server-pushed `testEvent` after a connection, in ms
   * (seed 003 waits 4 s). 0 sends it at once, a negative value never. Default 4000.
   */
  testEventDelayMs?: number;
  /** Socket.IO `pingInterval` in ms. Default 25000 (socket.io's own default). */
  socketIoPingIntervalMs?: number;
  /** Socket.IO `pingTimeout` in ms. Default 20000 (socket.io's own default). */
  socketIoPingTimeoutMs?: number;
  /**
   * `redis://HOST:PORT`: `/rt` keeps its sessions, rooms and fan-out in this Redis (the Redis adapter of
   * `@unisocket/server`), so harness processes started on the same Redis form one cluster. Default: none
   * (in memory).
   */
  redisUrl?: string;
  /** Where log lines go. Default: stderr. */
  log: (line: string) => void;
}

/** What a WebSocket upgrade meets (fault `block-websocket`). */
export type WebSocketBlockMode = 'off' | 'refuse' | 'hang' | 'accept-then-kill' | 'accept-silent';

/** SSE misbehaviour (faults `sse-status`, `sse-format`, `delay`), applied to every SSE endpoint. */
export interface SseFaults {
  /** Answer SSE requests with 204, 500, or 200 with a wrong content type instead of a stream. */
  status: 'ok' | 204 | 500 | 'wrong-type';
  /** Line ending used in SSE output. */
  lineEnding: 'lf' | 'crlf' | 'cr';
  /** Prefix the stream with a UTF-8 BOM. */
  bom: boolean;
  /** Interleave comment lines between fields and events. */
  comments: boolean;
}

/** The fault state shared by every module; `reset` restores `defaultFaults()`. */
export interface Faults {
  blockWebSocket: WebSocketBlockMode;
  /** With `blockWebSocket: 'accept-then-kill'`: how long an accepted upgrade lives before its socket is destroyed, in ms. */
  blockWebSocketAfterMs: number;
  sse: SseFaults;
  /** Delay before the first byte of every SSE response and every polling/HTTP answer of the modules, in ms. */
  firstByteDelayMs: number;
}

export function defaultFaults(): Faults {
  return {
    blockWebSocket: 'off',
    blockWebSocketAfterMs: 300,
    sse: { status: 'ok', lineEnding: 'lf', bom: false, comments: false },
    firstByteDelayMs: 0,
  };
}

/**
 * One feature of the harness (gateways, socket.io, envelope, plain SSE, controls).
 * The server offers each request / upgrade to the modules in order; the first that returns true owns it.
 */
export interface HarnessModule {
  readonly name: string;
  handleRequest?(req: IncomingMessage, res: ServerResponse, url: URL): boolean | Promise<boolean>;
  handleUpgrade?(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): boolean;
  /** Release timers and connections (harness shutdown). */
  close?(): Promise<void> | void;
}

/** Shared state handed to every module. */
export interface HarnessContext {
  readonly options: HarnessOptions;
  readonly faults: Faults;
  log(line: string): void;
}
