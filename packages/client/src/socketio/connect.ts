import { createClient, type Client } from '../core/client.js';
import type { DefaultEvents, EventsMap } from '../core/events.js';
import type { PolicyOptions } from '../core/options.js';
import { socketio } from './endpoint.js';
import type { SocketIoEndpointOptions } from './options.js';

/** Options of `connectSocketIo(url)`: the connection policy and the `socketio()` endpoint options side by side. */
export type SocketIoConnectOptions = PolicyOptions & SocketIoEndpointOptions;

/**
 * Connects to a Socket.IO server (Engine.IO v3 or v4): the endpoints of `socketio(url, options)`
 * (the URL's path is the namespace) with the connection policy. A separate entry from `connect()`
 * so an app that speaks only the envelope does not carry the Socket.IO code. Re-probing a better
 * endpoint is off by default: it would open a second Socket.IO session (a polling session upgrades
 * in place instead). Throws a `TypeError` naming a bad option.
 */
export function connectSocketIo<In extends EventsMap = DefaultEvents, Out extends EventsMap = DefaultEvents>(
  url: string,
  options: SocketIoConnectOptions = {},
): Client<In, Out> {
  const { eio, namespace, auth, path, transports, upgrade, withCredentials, maxPayload, ...policy } = options ?? {};
  // `query` and `headers` stay in the policy: they reach every endpoint's requests from there.
  const endpoints = socketio(url, { eio, namespace, auth, path, transports, upgrade, withCredentials, maxPayload });
  return createClient<In, Out>({ reprobeAfterMs: Infinity, ...policy, endpoints });
}
