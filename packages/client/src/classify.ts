import { ConnectionError, type UnisocketError, type UnisocketErrorCode } from './errors.js';
import type { DisconnectReason } from './state.js';
import type { TransportCloseInfo } from './transports/transport.js';

/** A classified failure: what ended an attempt or a connection, and whether retrying can help. */
export interface Failure {
  reason: DisconnectReason;
  error: UnisocketError | undefined;
  /** Retrying the same way cannot help (auth, 4xx, SSE 204, wrong content type, a server `bye` without retry). */
  terminal: boolean;
  /** A delay the server asked for, honoured as the backoff's lower bound. */
  retryAfterMs?: number;
}

// WebSocket close codes that mean "not allowed": policy violation and the common 4401/4403 idiom.
const DENIED_CLOSE_CODES = [1008, 4401, 4403];

/** Classifies a transport's close (principle 4: classify before retrying). */
export function classifyClose(info: TransportCloseInfo, context: { url: string; transport: string }): Failure {
  const { reason, status, code } = info;
  let errorCode: UnisocketErrorCode = reason === 'timeout' ? 'connect-timeout' : reason === 'ended' ? 'server-closed' : reason;
  let terminal = reason === 'no-content' || reason === 'content-type';
  if ((status === 401 || status === 403) || (code !== undefined && DENIED_CLOSE_CODES.includes(code))) {
    errorCode = 'unauthorized';
    terminal = true;
  } else if (reason === 'http-status' && status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429) {
    // Retrying a 404 forever helps nobody; 408 and 429 are invitations to retry.
    terminal = true;
  }
  return {
    reason,
    terminal,
    retryAfterMs: info.retryAfterMs,
    error: new ConnectionError(errorCode, info.message, { ...context, status, cause: info.error }),
  };
}

/** A failure the Connection itself detects (timeouts, gaps, a server `bye`). */
export function failure(reason: DisconnectReason, error: UnisocketError, terminal = false): Failure {
  return { reason, error, terminal };
}
