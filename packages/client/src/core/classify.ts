import { ConnectionError, type UnisocketError, type UnisocketErrorCode } from './errors.js';
import type { DisconnectReason } from './state.js';
import type { ProtocolInput } from '../protocols/protocol.js';
import type { TransportCloseInfo } from '../transports/transport.js';

/** A classified failure: what ended an attempt or a connection, and whether retrying can help. */
export interface Failure {
  reason: DisconnectReason;
  error: UnisocketError | undefined;
  /** Retrying the same way cannot help (auth, 4xx, SSE 204, wrong content type, a server `bye` without retry). */
  terminal: boolean;
  /** A delay the server asked for, honoured as the backoff's lower bound. */
  retryAfterMs?: number;
}

/** The context a ConnectionError carries. */
type Context = ConstructorParameters<typeof ConnectionError>[2];

// WebSocket close codes that mean "not allowed": policy violation and the common 4401/4403 idiom.
const DENIED_CLOSE_CODES = [1008, 4401, 4403];

/** Classifies a transport's close (principle 4: classify before retrying). */
export function classifyClose(info: TransportCloseInfo, context: Context): Failure {
  const { reason, status = 0, code = 0 } = info;
  const denied = status === 401 || status === 403 || DENIED_CLOSE_CODES.includes(code);
  return {
    reason,
    // Retrying a 404 forever helps nobody; 408 and 429 are invitations to retry.
    terminal:
      denied || reason === 'no-content' || reason === 'content-type' || (reason === 'http-status' && status >= 400 && status < 500 && status !== 408 && status !== 429),
    retryAfterMs: info.retryAfterMs,
    error: new ConnectionError(
      denied ? 'unauthorized' : reason === 'timeout' ? 'connect-timeout' : reason === 'ended' ? 'server-closed' : reason,
      info.message,
      { ...context, status: info.status, cause: info.error },
    ),
  };
}

/** A failure the Connection itself detects (timeouts, gaps, a server `bye`). */
export function failure(reason: DisconnectReason, error: UnisocketError, terminal = false): Failure {
  return { reason, error, terminal };
}

/** A failure with a ConnectionError of the same code. */
export const connectionFailure = (reason: DisconnectReason & UnisocketErrorCode, message: string, context?: Context, terminal?: boolean): Failure =>
  failure(reason, new ConnectionError(reason, message, context), terminal);

/** A server's `bye` (envelope) or refusal (Socket.IO connect_error): terminal unless it allows a retry; `denied` is a refusal of the credentials. */
export function byeFailure({ code, message, retry, denied }: Extract<ProtocolInput, { type: 'close' }>): Failure {
  const text = `server bye: ${code}: ${message}`;
  return failure('server-closed', new ConnectionError(denied ? 'unauthorized' : 'server-closed', text), denied || !retry);
}
