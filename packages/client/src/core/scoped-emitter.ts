import type { EventsMap } from './events.js';
import { checkTimeout, fail } from './options.js';

/**
 * `emitWithAck` with a per-call timeout and `AbortSignal`, given apart from the event's arguments so
 * they can never be mistaken for a payload: `client.timeout(5000).withSignal(signal).emitWithAck('join', room)`.
 */
export interface ScopedEmitter<Out extends EventsMap> {
  /** A scope whose requests time out after `ms` (`Infinity`: never) instead of `ackTimeoutMs`. */
  timeout(ms: number): ScopedEmitter<Out>;
  /** A scope whose requests are aborted with `signal` (rejecting with `RequestError('aborted')`). */
  withSignal(signal: AbortSignal): ScopedEmitter<Out>;
  /**
   * Emits `event` and resolves with the server's ack: the first ack argument, typed as the return
   * type of `Out[event]`. Rejects with `RequestError` `ack-timeout`, `aborted`, `closed`,
   * `outbox-full` or `unserializable` (at once: arguments the protocol cannot encode), `ProtocolError('server-error')` when the server answers with an error, and
   * `UnisocketError('unsupported')` on a protocol without acks (`raw`). An aborted or timed-out
   * request that has not left yet is taken out of the outbox.
   */
  emitWithAck<E extends keyof Out & string>(event: E, ...args: Parameters<Out[E]>): Promise<Awaited<ReturnType<Out[E]>>>;
}

export type Request = (event: string, args: readonly unknown[], timeoutMs: number, signal: AbortSignal | undefined) => Promise<unknown>;

export function scopedEmitter<Out extends EventsMap>(request: Request, timeoutMs: number, signal?: AbortSignal): ScopedEmitter<Out> {
  return {
    timeout: (ms) => scopedEmitter(request, checkTimeout(ms), signal),
    withSignal(next) {
      if (typeof next?.aborted !== 'boolean' || typeof next.addEventListener !== 'function') fail('signal', 'an AbortSignal', next);
      return scopedEmitter(request, timeoutMs, next);
    },
    emitWithAck: (event, ...args) => request(event, args, timeoutMs, signal) as Promise<Awaited<ReturnType<Out[typeof event]>>>,
  };
}
