/**
 * Browser lifecycle signals the Connection reacts to: `online`, `offline`, `visible` and `hidden`
 * (visibilitychange), `pageshow` (a page restored from the back/forward cache).
 */
export type EnvironmentEvent = 'online' | 'offline' | 'visible' | 'hidden' | 'pageshow';

/** A source of browser lifecycle signals, injectable so tests can drive it. */
export interface Environment {
  /** Starts listening; returns the function that stops. */
  subscribe(listener: (event: EnvironmentEvent) => void): () => void;
  /** Whether the browser says it is online now (`navigator.onLine`); without it, online is assumed until `offline`. */
  online?(): boolean;
}

interface EventTargetLike {
  addEventListener(type: string, listener: (event: { persisted?: boolean }) => void, options: { signal: AbortSignal }): void;
}

/** The page's own signals (`window` and `document` events); silent where there is no page (Node, workers). */
export const browserEnvironment: Environment = {
  subscribe(listener) {
    const target = globalThis as Partial<EventTargetLike> & { document?: EventTargetLike & { visibilityState?: string } };
    const doc = target.document;
    // One abort removes every handler.
    const subscription = new AbortController();
    // Optional calls: without a page (Node) or a document (workers) there are no such signals.
    const on = (source: Partial<EventTargetLike> | undefined, type: string, handler: (event: { persisted?: boolean }) => void) =>
      source?.addEventListener?.(type, handler, { signal: subscription.signal });
    on(target, 'online', () => listener('online'));
    on(target, 'offline', () => listener('offline'));
    on(target, 'pageshow', (event) => event.persisted && listener('pageshow'));
    on(doc, 'visibilitychange', () => listener(doc?.visibilityState === 'hidden' ? 'hidden' : 'visible'));
    return () => subscription.abort();
  },
  online: () => (globalThis as { navigator?: { onLine?: boolean } }).navigator?.onLine !== false,
};
