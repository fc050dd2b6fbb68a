import type { AttemptContext, Endpoint, ValueSource } from '../core/endpoint.js';
import type { Transport, TransportOpenContext } from '../transports/transport.js';
import { socketIoProtocol } from './protocol.js';
import { planSocketIo, socketIoLabel, socketIoSupported, type SocketIoEndpointOptions, type SocketIoPlan } from './options.js';
import { createEngineIoTransport, type EngineIoSettings } from './engineio-transport.js';

const resolve = <T>(source: ValueSource<T> | undefined, context: AttemptContext): T | Promise<T> | undefined =>
  typeof source == 'function' ? (source as (context: AttemptContext) => T | Promise<T>)(context) : source;

/**
 * Opens the Engine.IO session of one attempt: a session of its own, or a share of a manager's.
 * `owner` is the namespace client's (its protocol): two attempts of one client never share a session.
 */
export type OpenSession = (context: TransportOpenContext, settings: EngineIoSettings, owner: unknown) => Transport;

/** The endpoints of a checked plan, one per carrier, best first, each opening its session with `open`. */
export function socketIoEndpoints(plan: SocketIoPlan, open: OpenSession): Endpoint[] {
  let auth: Record<string, unknown> | undefined;
  // socket.io 2 joins "/" with the handshake itself: its auth goes in that query, as socket.io-client 2 sends its `query`.
  const authInQuery = plan.eio == 3 && plan.namespace == '/';
  const protocol = socketIoProtocol(plan.namespace, () => auth, authInQuery);
  // The attempt resolves `query` just before it creates its codec: the fresh `auth` goes with it.
  const query = (context: AttemptContext) =>
    Promise.all([resolve(plan.query, context), resolve(plan.auth, context)]).then(([value, fresh]) => {
      auth = fresh;
      return { ...(authInQuery && (fresh as Record<string, string>)), ...value };
    });
  return plan.transports.map((kind) => ({
    kind,
    url: plan.url,
    protocol,
    query,
    headers: plan.headers,
    label: socketIoLabel(plan, kind),
    isSupported: (platform) => socketIoSupported(kind, platform),
    createTransport: (context) => {
      const upgrade = kind == 'polling' && plan.upgrade && plan.transports.includes('websocket');
      return open(context, { eio: plan.eio, start: kind, upgrade, credentials: plan.credentials, maxPayload: plan.maxPayload }, protocol);
    },
  }));
}

/**
 * Socket.IO endpoints for `url` (`http(s)://host[:port][/namespace]`, `ws(s)://` or page-relative):
 * Engine.IO v3 or v4 under `path`, one endpoint per carrier in `transports`, best first, each attempt
 * on an Engine.IO session of its own (`socketIoManager` shares one between namespaces). Pass them to
 * `createClient({ endpoints: socketio(url) })`. Throws a `TypeError` naming a bad option.
 */
export const socketio = (url: string, options: SocketIoEndpointOptions = {}): Endpoint[] => socketIoEndpoints(planSocketIo(url, options), createEngineIoTransport);
