import type { UnisocketError } from './errors.js';
import type { OutboxEntry } from './outbox.js';
import type { ConnectionState, DisconnectReason, StateChangeReason } from './state.js';
import type { TransportKind } from '../transports/transport.js';

/** Why the Connection moved to another endpoint. */
export type FallbackReason = DisconnectReason | 'fallback-delay' | 'upgrade';

/** Everything `client.lifecycle` reports, apart from application events (no event name is reserved). */
export interface LifecycleEvents {
  /** Every state change. */
  state: { from: ConnectionState; to: ConnectionState; reason: StateChangeReason };
  /** A transport confirmed; again after a carrier switch. */
  open: {
    /** The endpoint's label, e.g. `websocket ws://host/rt`. */
    endpoint: string;
    transport: TransportKind;
    /** The server continued the previous session (nothing lost, missed messages replayed). */
    resumed: boolean;
    /** This open follows a lost connection (false for the first open after `connect()`). */
    recovered: boolean;
  };
  /**
   * A reconnect is scheduled: attempt number `attempt` (1-based) after `delayMs`. `offline`: the browser
   * says it is offline, so the attempt waits for `online` (it starts at once then); `delayMs` is the safety probe's.
   */
  reconnecting: { attempt: number; delayMs: number; reason: DisconnectReason; error: UnisocketError | undefined; offline: boolean };
  /** Another endpoint is being tried (`fallback-delay`: the previous one is still trying), or the better one took over (`upgrade`). */
  fallback: { from: string; to: string; reason: FallbackReason };
  /** A non-fatal problem: a bad frame, a failed upstream send, messages dropped from a full outbox (`dropped`). */
  error: { error: UnisocketError; dropped?: readonly OutboxEntry[] };
  /** The open connection ended; `terminal` when no reconnect follows. */
  close: { reason: DisconnectReason; error: UnisocketError | undefined; terminal: boolean };
  /** What waits in the outbox changed: messages (and estimated bytes) waiting to be sent (quiet while messages go out at once). */
  outbox: { size: number; bytes: number };
  /** The server's heartbeat arrived. */
  heartbeat: { at: number };
  /**
   * Messages may have been missed: the server could not resume the session (a new one started), or a
   * protocol without sessions (raw) connected again (an SSE stream with a Last-Event-ID excepted: it resumes).
   */
  gap: { session: string | undefined; lastSeq: number | string | undefined };
}

type AnyListener = (...args: never[]) => unknown;

/** A listener registry: `on` and `once` return the function that unsubscribes. */
export interface Listeners<Map extends Record<string, AnyListener>> {
  on<K extends keyof Map & string>(type: K, listener: Map[K]): () => void;
  once<K extends keyof Map & string>(type: K, listener: Map[K]): () => void;
  /** Removes `listener`, or every listener of `type` when none is given. */
  off<K extends keyof Map & string>(type: K, listener?: Map[K]): void;
}

/** `client.lifecycle`. */
export type Lifecycle = Listeners<{ [K in keyof LifecycleEvents]: (event: LifecycleEvents[K]) => void }>;

export interface Dispatcher extends Listeners<Record<string, AnyListener>> {
  /**
   * Calls the listeners of every type (with `type` first), then every listener of `type`, in order;
   * returns what the first of `type` returned. A throwing listener is reported, not propagated.
   */
  emit(type: string, args: readonly unknown[]): unknown;
  /** Listens to every type, called with the type first; returns the unsubscribe function. */
  onAny(listener: AnyListener): () => void;
  /** Like `onAny`, before the listeners of every type added so far. */
  prependAny(listener: AnyListener): () => void;
  /** Removes `listener` from the listeners of every type, or all of them. */
  offAny(listener?: AnyListener): void;
}

/** The key of the listeners of every type: no event name can be it. */
const ANY = Symbol();

type Handler = ((...args: unknown[]) => unknown) & { listener?: unknown };

/**
 * The emitter under both the lifecycle channel and application events. Lists are replaced, never
 * changed in place, so `emit` walks the list as it was without copying it.
 */
export function createDispatcher(): Dispatcher {
  const all = new Map<string | symbol, Handler[]>();
  const listOf = (type: string | symbol) => all.get(type) ?? [];
  const on = (type: string | symbol, listener: AnyListener, first?: boolean) => {
    all.set(type, first ? [listener as Handler, ...listOf(type)] : [...listOf(type), listener as Handler]);
    return () => off(type, listener);
  };
  const off = (type: string | symbol, listener?: AnyListener) => {
    const list = listOf(type);
    const found = list.findIndex((handler) => handler == listener || handler.listener == listener);
    // Without a listener nothing is kept; a listener that is not there removes nothing (found: -1).
    all.set(type, list.filter((_, index) => listener && index != found));
  };
  return {
    on,
    off,
    once(type, listener) {
      const handler: Handler = (...args) => {
        off(type, handler);
        return (listener as Handler)(...args);
      };
      handler.listener = listener;
      return on(type, handler);
    },
    onAny: (listener) => on(ANY, listener),
    prependAny: (listener) => on(ANY, listener, true),
    offAny: (listener) => off(ANY, listener),
    emit(type, args) {
      const any = all.get(ANY);
      if (any?.length) call(any, [type, ...args]);
      return call(listOf(type), args);
    },
  };
}

/** Calls each of `list` with `args`; returns what the first returned. */
function call(list: Handler[], args: readonly unknown[]): unknown {
  let first: unknown;
  for (let index = 0; index < list.length; index++) {
    try {
      const result = list[index]!(...args);
      if (index == 0) first = result;
    } catch (error) {
      // A listener's bug must not break the connection: report it like an uncaught error.
      queueMicrotask(() => {
        throw error;
      });
    }
  }
  return first;
}
