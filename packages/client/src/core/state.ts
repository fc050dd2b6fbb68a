import type { UnisocketError } from './errors.js';
import type { TransportCloseReason, TransportKind } from '../transports/transport.js';

/** Why a connection (or an attempt) ended; `user` is `close()`. */
export type DisconnectReason =
  | TransportCloseReason
  | 'user'
  | 'connect-timeout'
  | 'heartbeat-timeout'
  | 'sequence-gap'
  | 'server-closed'
  | 'send-failed'
  | 'max-attempts'
  | 'unsupported';

/** Why the state changed: `connect()`, a confirmed transport, or the reason of a disconnect. */
export type StateChangeReason = 'connect' | 'confirmed' | DisconnectReason;

/**
 * The connection state. `reconnecting` covers both the backoff wait and the attempts that follow it,
 * from the first failure until a transport confirms again; it becomes `suspended` once the outage has
 * lasted `backoff.suspendAfterMs` (retries are slower then). `closed` is final until `connect()`.
 */
export type ConnectionState =
  | { readonly status: 'idle' }
  | { readonly status: 'connecting' }
  | { readonly status: 'open'; readonly endpoint: string; readonly transport: TransportKind }
  | { readonly status: 'reconnecting' | 'suspended'; readonly attempt: number; readonly delayMs: number; readonly reason: DisconnectReason }
  | { readonly status: 'closed'; readonly reason: DisconnectReason; readonly error: UnisocketError | undefined };

export type ConnectionStatus = ConnectionState['status'];

/**
 * The one state machine: a pure function from the state and the state the Connection asks for to the
 * new state. `connecting` (`connect()`) applies only while stopped (idle or closed); `open` (a transport
 * confirmed, or switched carrier), `reconnecting` and `suspended` (a retryable failure) only while started; `closed`
 * (`close()` or a terminal failure) unless already closed. A change that does not apply returns the
 * very same state object (callers compare by identity to know whether anything changed).
 */
export function transition(state: ConnectionState, next: Exclude<ConnectionState, { status: 'idle' }>): ConnectionState {
  const stopped = state.status == 'idle' || state.status == 'closed';
  return (next.status == 'closed' ? state.status != 'closed' : stopped == (next.status == 'connecting')) ? next : state;
}
