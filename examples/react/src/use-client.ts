import type { Client, ConnectionState, EventNames, EventsMap, LifecycleEvents, Listener } from '@unisocket/client';
import { useEffect, useRef, useState, useSyncExternalStore, type DependencyList } from 'react';

/**
 * One client for as long as the component is mounted (and `deps` do not change), or `undefined`
 * before that.
 *
 * - **SSR**: the client is created in an effect, and effects do not run on the server, so
 *   rendering there opens no connection (the first render on the client sees `undefined` too, and
 *   hydration matches).
 * - **StrictMode** mounts, unmounts and mounts again in development: each run of the effect owns the
 *   client it created and closes it in its cleanup. The first one is closed before its connection
 *   starts (`connect()` creates clients that connect in a microtask), so only one ever connects.
 */
export function useClient<In extends EventsMap, Out extends EventsMap>(create: () => Client<In, Out>, deps: DependencyList = []): Client<In, Out> | undefined {
  const [client, setClient] = useState<Client<In, Out>>();
  useEffect(() => {
    const created = create();
    setClient(created);
    return () => {
      created.close();
      setClient(undefined);
    };
    // `create` is read when `deps` change, as with useMemo.
  }, deps);
  return client;
}

const IDLE: ConnectionState = { status: 'idle' };

/**
 * The connection state, re-rendering on every change, the carrier included (a Socket.IO session
 * upgraded in place: `state.transport`). `idle` without a client and on the server.
 */
export function useConnectionState(client: Pick<Client, 'state' | 'lifecycle'> | undefined): ConnectionState {
  return useSyncExternalStore(
    (changed) => {
      if (!client) return () => {};
      const stops = [client.lifecycle.on('state', changed), client.lifecycle.on('open', changed)];
      return () => stops.forEach((stop) => stop());
    },
    // The client replaces its state object on every change: a stable snapshot between changes.
    () => client?.state ?? IDLE,
    () => IDLE,
  );
}

/**
 * Listens to a server event while mounted; unsubscribes on unmount or when the client changes. The
 * latest `listener` is called (no re-subscription when it changes between renders).
 */
export function useEvent<In extends EventsMap, Out extends EventsMap, E extends EventNames<In>>(client: Client<In, Out> | undefined, event: E, listener: Listener<In, E>): void {
  const latest = useLatest(listener as (...args: unknown[]) => unknown);
  useEffect(() => client?.on(event, ((...args: unknown[]) => latest.current(...args)) as Listener<In, E>), [client, event, latest]);
}

/** Listens to a lifecycle event (`open`, `close`, `reconnecting`, …) while mounted. */
export function useLifecycle<K extends keyof LifecycleEvents>(client: Pick<Client, 'lifecycle'> | undefined, type: K, listener: (event: LifecycleEvents[K]) => void): void {
  const latest = useLatest(listener);
  useEffect(() => client?.lifecycle.on(type, ((event: LifecycleEvents[K]) => latest.current(event)) as never), [client, type, latest]);
}

function useLatest<T>(value: T) {
  const ref = useRef(value);
  useEffect(() => {
    ref.current = value;
  });
  return ref;
}
