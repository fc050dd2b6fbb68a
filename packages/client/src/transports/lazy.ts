import { transportBase, type Transport, type TransportKind } from './transport.js';

/** Loads a module on demand; see {@link loadOnce}. */
export type Loader<M> = () => M | Promise<M>;

/**
 * `load()` once per page: later calls get the module itself (no extra tick), or share the load under
 * way; a load that failed is tried again by the next call.
 */
export function loadOnce<M>(load: () => Promise<M>): Loader<M> {
  let loaded: M | undefined;
  let loading: Promise<M> | undefined;
  return () =>
    loaded ??
    (loading ??= load().then(
      (module) => (loaded = module),
      (error: unknown) => {
        loading = undefined;
        throw error;
      },
    ));
}

/**
 * A transport whose code is loaded on demand (`import()`): `open()` loads it, creates it with `create`,
 * opens it and relays its callbacks. A load that fails (the app's server unreachable) ends the attempt
 * as `refused`, like a carrier that could not connect: the round moves on, the next one loads again.
 * Sends come only after `onopen`, when the transport exists.
 */
export function lazyTransport<M>(kind: TransportKind, url: string, load: Loader<M>, create: (module: M) => Transport): Transport {
  let inner: Transport | undefined;
  let closed = false;
  const failed = (error: unknown) => closed || outer.onclose?.({ reason: 'refused', wasOpen: false, message: `could not load the ${kind} transport: ${error}`, error });
  const start = (module: M) => {
    if (closed) return;
    const created = (inner = create(module));
    created.onopen = () => outer.onopen?.();
    created.onmessage = (frame) => outer.onmessage?.(frame);
    created.onerror = (error) => outer.onerror?.(error);
    created.onclose = (info) => outer.onclose?.(info);
    created.oncursor = (eventId) => outer.oncursor?.(eventId);
    created.open();
  };
  const outer: Transport = {
    ...transportBase(kind, url),
    get carrier() {
      return inner?.carrier;
    },
    open() {
      const module = load();
      if (module instanceof Promise) module.then(start).catch(failed);
      else start(module);
    },
    send: (frames) => inner!.send(frames),
    fits: (frame) => inner?.fits?.(frame) ?? true,
    close(code, reason) {
      closed = true;
      inner?.close(code, reason);
    },
  };
  return outer;
}
