import type { AttemptContext } from '../core/endpoint.js';
import type { UnisocketError } from '../core/errors.js';

/** The kinds of pipe unisocket can use. */
export type TransportKind = 'websocket' | 'sse' | 'polling';

/** What can go out on a transport. */
export type OutboundFrame = string | ArrayBuffer | ArrayBufferView | Blob;

/** One message as it arrived. `event` and `id` are set by SSE (its `event:` and `id:` fields). */
export interface InboundFrame {
  data: string | ArrayBuffer | Blob;
  event?: string;
  id?: string;
}

/** Why a transport ended, classified by the transport so the Connection can decide what to do. */
export type TransportCloseReason =
  /** The network failed or the peer went away (retry). */
  | 'network'
  /** Closed before it ever opened: upgrade refused, host unreachable (fall back / retry). */
  | 'refused'
  /** The server answered with an HTTP status that is not a success; see `status`. */
  | 'http-status'
  /** SSE answered 204 No Content: the server says stop (terminal). */
  | 'no-content'
  /** The response was not the expected content type (terminal for that endpoint). */
  | 'content-type'
  /** The server ended the stream / closed normally (retry, honouring `retryAfterMs`). */
  | 'ended'
  /** The connection attempt exceeded the transport's own deadline (first-byte deadline, for example). */
  | 'timeout';

export interface TransportCloseInfo {
  reason: TransportCloseReason;
  /** True when `onopen` had fired before the close. */
  wasOpen: boolean;
  /** WebSocket close code, when there was one. */
  code?: number;
  /** HTTP status, when known (SSE/polling; browsers hide it for WebSocket). */
  status?: number;
  /** Human-readable detail. */
  message: string;
  /** A delay the server asked for (SSE `retry:`, `Retry-After`), in ms. */
  retryAfterMs?: number;
  error?: unknown;
}

/**
 * A dumb pipe: no retries, no timers beyond its own wire duties, no back-reference to the client.
 * After `close()` returns, no callback fires again (the Connection may have moved on).
 */
export interface Transport {
  readonly kind: TransportKind;
  /**
   * The carrier in use, where it can change under a live session (an Engine.IO session upgraded from
   * polling to WebSocket in place); `kind` when absent. A change is followed by a frame (the Engine.IO
   * transport's `{event: 'upgrade'}`) so the Connection sees it at once.
   */
  readonly carrier?: TransportKind;
  /** The URL this transport connects to (resolved for this attempt). */
  readonly url: string;
  /** Starts connecting. Called at most once. */
  open(): void;
  /**
   * False when the server announced it takes no message as large as `frame` (Engine.IO's `maxPayload`):
   * the frame then fails alone instead of being sent (the server would close the connection on it,
   * and again on every resend). Absent: any size goes.
   */
  fits?(frame: OutboundFrame): boolean;
  /**
   * Sends frames in order. Resolves once they are handed to the network (WebSocket) or accepted by the
   * server (SSE upstream POST answered 2xx); rejects with a {@link UnisocketError} otherwise, so the
   * caller can keep the frames and resend them. Several frames may travel in one request (batching).
   */
  send(frames: readonly OutboundFrame[]): Promise<void>;
  /** Closes the pipe; idempotent. */
  close(code?: number, reason?: string): void;
  onopen: (() => void) | null;
  onmessage: ((frame: InboundFrame) => void) | null;
  /** A recoverable problem (a malformed SSE frame, a failed POST): the transport stays up. */
  onerror: ((error: UnisocketError) => void) | null;
  onclose: ((info: TransportCloseInfo) => void) | null;
  /**
   * SSE only: the stream moved its last event id without a message (an event of `id:` and no `data:`,
   * as a server says where a stream starts). The next attempt resumes from it (`Last-Event-ID`), as a
   * native EventSource would.
   */
  oncursor?: ((eventId: string) => void) | null;
}

/**
 * What a transport's `send` may return when the frames are on their way at once (a WebSocket): one
 * shared settled Promise, so a caller on the hot path can skip attaching a failure handler (no Promise
 * and no microtask per message).
 */
export const SENT: Promise<void> = Promise.resolve();

/** The parts every transport starts with: its kind, URL and no callbacks yet. */
export const transportBase = (kind: TransportKind, url: string): Pick<Transport, 'kind' | 'url' | 'onopen' | 'onmessage' | 'onerror' | 'onclose'> => ({
  kind,
  url,
  onopen: null,
  onmessage: null,
  onerror: null,
  onclose: null,
});

/** Everything a transport needs for one attempt, resolved by the Connection before creation. */
export interface TransportOpenContext {
  /** Downstream URL with the query of this attempt applied. */
  url: string;
  /** Headers for HTTP requests (SSE over fetch, upstream POST, polling). WebSocket cannot send headers. */
  headers: Record<string, string>;
  /** Last SSE event id seen, sent as `Last-Event-ID` on (re)connect by transports that can. */
  lastEventId?: string;
  /** Extra query parameters for each upstream request, evaluated per request (for example the session id). */
  upstreamParams?: () => Record<string, string>;
  /** Why this attempt is made: what value source functions (a POST URL function) are told. */
  attempt?: AttemptContext;
  /** Injected platform classes. */
  platform: Platform;
}

/** Platform classes, injected so the same code runs in browsers, Node and tests. */
export interface Platform {
  WebSocket?: typeof WebSocket;
  EventSource?: typeof EventSource;
  fetch?: typeof fetch;
}
