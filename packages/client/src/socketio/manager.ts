import { createClient, type Client } from '../core/client.js';
import type { Endpoint, ValueSource } from '../core/endpoint.js';
import type { DefaultEvents, EventsMap } from '../core/events.js';
import { resolveOptions, type PolicyOptions } from '../core/options.js';
import { systemClock } from '../core/clock.js';
import { socketIoEndpoints } from './endpoint.js';
import { planSocketIo, type SocketIoEndpointOptions } from './options.js';
import { sharedSessions } from './shared-session.js';

/** Options of `socketIoManager(url)`: the Engine.IO connection's, and the policy every namespace client starts from. */
export type SocketIoManagerOptions = PolicyOptions & Omit<SocketIoEndpointOptions, 'namespace' | 'auth'>;

/** Options of `manager.socket(namespace)`: its `auth`, and policy options of its own over the manager's. */
export interface SocketIoSocketOptions extends Omit<PolicyOptions, 'query' | 'headers'> {
  /** Sent with this namespace's CONNECT (see `socketio()`'s `auth`). @default none */
  auth?: ValueSource<Record<string, unknown>>;
}

/** One Engine.IO connection for many namespaces (socket.io-client's `Manager`). */
export interface SocketIoManager {
  /**
   * A client of `namespace` on this manager's connection, with its own state, outbox, acks and
   * recovery (socket.io-client's `manager.socket(nsp)`). Throws a `TypeError` naming a bad option.
   * @param namespace @default '/'
   */
  socket<In extends EventsMap = DefaultEvents, Out extends EventsMap = DefaultEvents>(namespace?: string, options?: SocketIoSocketOptions): Client<In, Out>;
  /** The endpoints of `namespace` on this manager's connection, for `createClient`. */
  endpoints(namespace?: string, options?: Pick<SocketIoSocketOptions, 'auth'>): Endpoint[];
}

/**
 * One Engine.IO connection (`url`: the server, its path ignored) shared by the clients of many
 * namespaces, as socket.io-client's Manager shares one between `io('/chat')` and `io('/admin')`. It is
 * a shared Transport, nothing more: it has no timers and no retry loop of its own. Each namespace
 * client keeps its own Connection (state, backoff, liveness), outbox, acks and recovery; their attempts
 * meet on the one Engine.IO session (the first after a loss opens it, the others join it). Throws a
 * `TypeError` naming a bad option.
 */
export function socketIoManager(url: string, options: SocketIoManagerOptions = {}): SocketIoManager {
  const { eio, path, transports, upgrade, withCredentials, maxPayload, query, headers, ...policy } = options ?? {};
  const open = sharedSessions(policy.clock ?? systemClock);
  const endpoints: SocketIoManager['endpoints'] = (namespace = '/', { auth } = {}) =>
    socketIoEndpoints(planSocketIo(url, { eio, path, transports, upgrade, withCredentials, maxPayload, query, headers, namespace, auth }), open);
  // Bad options fail here, not at the first socket().
  resolveOptions({ ...policy, endpoints: endpoints() });
  return {
    endpoints,
    // Re-probing is off, as for connectSocketIo(): a polling session upgrades in place.
    socket: (namespace, { auth, ...own } = {}) => createClient({ reprobeAfterMs: Infinity, ...policy, ...own, endpoints: endpoints(namespace, { auth }) }),
  };
}
