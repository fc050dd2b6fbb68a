import { createClient, type Client } from './client.js';
import type { Endpoint } from './endpoint.js';
import type { DefaultEvents, EventsMap } from './events.js';
import type { PolicyOptions } from './options.js';
import { planSocketIo, socketIoLabel, socketIoSupported, type SocketIoEndpointOptions } from './socketio-options.js';

/** The `socketio()` options `connect(url, { protocol: 'socket.io' })` takes beside the policy (which has `query` and `headers`). */
export type SocketIoConnectOptions = Omit<SocketIoEndpointOptions, 'query' | 'headers'>;

/**
 * `connect(url, { protocol: 'socket.io', ... })`: the endpoints of `socketio(url, options)`, checked
 * now, with their code (codec, Engine.IO transport) loaded by `import()` on the first attempt, so
 * an app that only speaks the envelope does not carry it. Re-probing a better endpoint is off by
 * default: it would open a second Socket.IO session (a polling session upgrades in place instead).
 */
export function connectSocketIo<In extends EventsMap = DefaultEvents, Out extends EventsMap = DefaultEvents>(
  url: string,
  options: PolicyOptions & SocketIoConnectOptions,
): Client<In, Out> {
  const { eio, namespace, auth, path, transports, upgrade, withCredentials, ...policy } = options;
  const plan = planSocketIo(url, { eio, namespace, auth, path, transports, upgrade, withCredentials });
  let loading: Promise<Endpoint[]> | undefined;
  const load = () =>
    (loading ??= import('./socketio-lazy.js').then(
      (module) => module.socketIoEndpoints(plan),
      (error: unknown) => {
        loading = undefined; // a failed chunk load is retried by the next attempt
        throw error;
      },
    ));
  const endpoints = plan.transports.map((kind, index): Endpoint => {
    let loaded: Endpoint;
    const real = () => load().then((list) => (loaded = list[index]!));
    return {
      kind,
      label: socketIoLabel(plan, kind),
      url: () => real().then(() => plan.url),
      query: () => real().then(({ query }) => (typeof query == 'function' ? query() : (query ?? {}))),
      headers: plan.headers,
      protocol: { name: 'socket.io', create: (options) => loaded.protocol.create(options) },
      isSupported: (platform) => socketIoSupported(kind, platform),
      createTransport: (context) => loaded.createTransport(context),
    };
  });
  return createClient<In, Out>({ reprobeAfterMs: Infinity, ...policy, endpoints });
}
