/**
 * Browser lifecycle signals the Connection reacts to: `online`, `offline`, `visible` and `hidden`
 * (visibilitychange), `pageshow` (a page restored from the back/forward cache).
 */
export type EnvironmentEvent = 'online' | 'offline' | 'visible' | 'hidden' | 'pageshow';

/** A source of browser lifecycle signals, injectable so tests can drive it. */
export interface Environment {
  /** Starts listening; returns the function that stops. */
  subscribe(listener: (event: EnvironmentEvent) => void): () => void;
}

interface EventTargetLike {
  addEventListener(type: string, listener: (event: { persisted?: boolean }) => void): void;
  removeEventListener(type: string, listener: (event: { persisted?: boolean }) => void): void;
}

/** The page's own signals (`window` and `document` events); silent where there is no page (Node, workers). */
export const browserEnvironment: Environment = {
  subscribe(listener) {
    const target = globalThis as Partial<EventTargetLike> & { document?: EventTargetLike & { visibilityState?: string } };
    const doc = target.document;
    if (!target.addEventListener || !target.removeEventListener) return () => undefined;
    const handlers: [EventTargetLike, string, (event: { persisted?: boolean }) => void][] = [
      [target as EventTargetLike, 'online', () => listener('online')],
      [target as EventTargetLike, 'offline', () => listener('offline')],
      [target as EventTargetLike, 'pageshow', (event) => event.persisted && listener('pageshow')],
    ];
    if (doc) handlers.push([doc, 'visibilitychange', () => listener(doc.visibilityState === 'hidden' ? 'hidden' : 'visible')]);
    for (const [on, type, handler] of handlers) on.addEventListener(type, handler);
    return () => {
      for (const [on, type, handler] of handlers) on.removeEventListener(type, handler);
    };
  },
};

/** An {@link Environment} driven by hand, for tests: `emit('visible')`. */
export interface FakeEnvironment extends Environment {
  emit(event: EnvironmentEvent): void;
  /** How many subscribers are listening (0 once every client has closed). */
  readonly listeners: number;
}

export function createFakeEnvironment(): FakeEnvironment {
  const listeners = new Set<(event: EnvironmentEvent) => void>();
  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    emit: (event) => [...listeners].forEach((listener) => listener(event)),
    get listeners() {
      return listeners.size;
    },
  };
}
