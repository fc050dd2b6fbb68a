/** Every way a unisocket operation can fail, as a literal union. */
export type UnisocketErrorCode =
  // connection
  | 'connect-timeout'
  | 'network'
  | 'refused'
  | 'unauthorized'
  | 'http-status'
  | 'no-content'
  | 'content-type'
  | 'max-attempts'
  | 'heartbeat-timeout'
  | 'server-closed'
  | 'unsupported'
  // protocol
  | 'bad-frame'
  | 'bad-json'
  | 'sequence-gap'
  | 'server-error'
  // requests
  | 'ack-timeout'
  | 'aborted'
  | 'closed'
  | 'outbox-full'
  | 'too-large'
  | 'send-failed'
  | 'unserializable';

interface ErrorContext {
  /** The URL involved, when there is one. */
  url?: string;
  /** The transport kind involved (`websocket`, `sse`, `polling`). */
  transport?: string;
  /** HTTP status, when the failure came with one. */
  status?: number;
  cause?: unknown;
}

/** Base class of every error unisocket produces; `code` tells what happened. */
export class UnisocketError extends Error {
  override readonly name: string = 'UnisocketError';
  // `declare`: assigned in the constructor, so no field initialisers are emitted.
  declare readonly code: UnisocketErrorCode;
  declare readonly url: string | undefined;
  declare readonly transport: string | undefined;
  declare readonly status: number | undefined;

  constructor(code: UnisocketErrorCode, message: string, context: ErrorContext = {}) {
    const where = [context.transport, context.url].filter(Boolean).join(' ');
    // `context` as the options of Error, which reads its `cause` (only when one is given: no `cause: undefined`).
    super(where ? `${message} (${where})` : message, context.cause === undefined ? undefined : context);
    this.code = code;
    this.url = context.url;
    this.transport = context.transport;
    this.status = context.status;
  }
}

/** The connection could not be made or was lost. */
export class ConnectionError extends UnisocketError {
  override readonly name = 'ConnectionError' as const;
}

/** A frame from the server could not be understood; the connection survives where it can. */
export class ProtocolError extends UnisocketError {
  override readonly name = 'ProtocolError' as const;
  /** The offending frame (truncated to 200 characters for strings). */
  declare readonly frame: unknown;
  constructor(code: UnisocketErrorCode, message: string, context: ErrorContext & { frame?: unknown } = {}) {
    super(code, message, context);
    this.frame = typeof context.frame === 'string' && context.frame.length > 200 ? `${context.frame.slice(0, 200)}…` : context.frame;
  }
}

/** A request (`emitWithAck`, an outbox entry) did not complete: timeout, abort, close, overflow, too large for the server. */
export class RequestError extends UnisocketError {
  override readonly name = 'RequestError' as const;
}
