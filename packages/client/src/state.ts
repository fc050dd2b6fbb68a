import type { UnisocketError } from './errors.js';
import type { TransportCloseReason, TransportKind } from './transports/transport.js';

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
 * from the first failure until a transport confirms again. `closed` is final until `connect()`.
 */
export type ConnectionState =
  | { readonly status: 'idle' }
  | { readonly status: 'connecting' }
  | { readonly status: 'open'; readonly endpoint: string; readonly transport: TransportKind }
  | { readonly status: 'reconnecting'; readonly attempt: number; readonly delayMs: number; readonly reason: DisconnectReason }
  | { readonly status: 'closed'; readonly reason: DisconnectReason; readonly error: UnisocketError | undefined };

export type ConnectionStatus = ConnectionState['status'];

/** What can happen to a connection. */
export type StateEvent =
  /** `connect()`, or the automatic connect at creation. */
  | { readonly type: 'connect' }
  /** A transport confirmed (its first real frame); also a carrier switch while open. */
  | { readonly type: 'confirmed'; readonly endpoint: string; readonly transport: TransportKind }
  /** A retryable failure: wait `delayMs`, then attempt number `attempt`. */
  | { readonly type: 'retry'; readonly attempt: number; readonly delayMs: number; readonly reason: DisconnectReason }
  /** `close()` or a terminal failure. */
  | { readonly type: 'close'; readonly reason: DisconnectReason; readonly error?: UnisocketError };

/** The reason an event gives for the change it causes. */
export function reasonOf(event: StateEvent): StateChangeReason {
  return event.type === 'connect' ? 'connect' : event.type === 'confirmed' ? 'confirmed' : event.reason;
}

/**
 * The one state machine: a pure function. An event that does not apply to the state returns the very
 * same state object (callers compare by identity to know whether anything changed).
 */
export function transition(state: ConnectionState, event: StateEvent): ConnectionState {
  const { status } = state;
  switch (event.type) {
    case 'connect':
      return status === 'idle' || status === 'closed' ? { status: 'connecting' } : state;
    case 'confirmed':
      return status === 'idle' || status === 'closed'
        ? state
        : { status: 'open', endpoint: event.endpoint, transport: event.transport };
    case 'retry':
      return status === 'idle' || status === 'closed'
        ? state
        : { status: 'reconnecting', attempt: event.attempt, delayMs: event.delayMs, reason: event.reason };
    case 'close':
      return status === 'closed' ? state : { status: 'closed', reason: event.reason, error: event.error };
  }
}
