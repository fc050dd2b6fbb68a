import type { Client, ConnectionState, EventNames, EventsMap, LifecycleEvents, Listener } from '@unisocket/client';
import { onBeforeUnmount, onMounted, readonly, shallowRef, watch, type Ref, type ShallowRef } from 'vue';

/**
 * One client for as long as the component is mounted, and its state.
 *
 * - **SSR**: the client is created in `onMounted`, which never runs on the server, so rendering there
 *   opens no connection; `client` is `undefined` and `state` `idle` until the page mounts.
 * - The client is closed in `onBeforeUnmount`; `state` follows every change, the carrier included
 *   (a Socket.IO session upgraded in place: `state.transport`).
 */
export function useClient<In extends EventsMap, Out extends EventsMap>(
  create: () => Client<In, Out>,
): { client: Readonly<ShallowRef<Client<In, Out> | undefined>>; state: Readonly<Ref<ConnectionState>> } {
  const client = shallowRef<Client<In, Out>>();
  const state = shallowRef<ConnectionState>({ status: 'idle' });
  let stops: (() => void)[] = [];
  onMounted(() => {
    const created = create();
    const follow = () => (state.value = created.state);
    stops = [created.lifecycle.on('state', follow), created.lifecycle.on('open', follow)];
    client.value = created;
    follow();
  });
  onBeforeUnmount(() => {
    stops.forEach((stop) => stop());
    client.value?.close();
    client.value = undefined;
  });
  return { client: readonly(client) as Readonly<ShallowRef<Client<In, Out> | undefined>>, state: readonly(state) };
}

/** Listens to a server event while there is a client; unsubscribes when it goes (unmount) or changes. */
export function useEvent<In extends EventsMap, Out extends EventsMap, E extends EventNames<In>>(
  client: Readonly<Ref<Client<In, Out> | undefined>>,
  event: E,
  listener: Listener<In, E>,
): void {
  watch(client, (current, _previous, onCleanup) => current && onCleanup(current.on(event, listener)), { immediate: true });
}

/** Listens to a lifecycle event (`open`, `close`, `reconnecting`, …) while there is a client. */
export function useLifecycle<K extends keyof LifecycleEvents>(
  client: Readonly<Ref<Pick<Client, 'lifecycle'> | undefined>>,
  type: K,
  listener: (event: LifecycleEvents[K]) => void,
): void {
  watch(client, (current, _previous, onCleanup) => current && onCleanup(current.lifecycle.on(type, listener as never)), { immediate: true });
}
