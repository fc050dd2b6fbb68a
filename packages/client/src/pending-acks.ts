import type { Clock, TimerHandle } from './clock.js';
import { ProtocolError, RequestError } from './errors.js';

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  /** The client message id the request went out with in the current session. */
  cid?: number;
  timer: TimerHandle;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

/**
 * `emitWithAck` requests waiting for their answer, by local id. Each has a deadline on the injected
 * clock and may be aborted; `onGiveUp` lets the caller drop the message if it has not left yet.
 */
export interface PendingAcks {
  /** Waits for the answer to `localId`; `timeoutMs` may be Infinity. */
  add(localId: number, timeoutMs: number, signal: AbortSignal | undefined, label: string): Promise<unknown>;
  /** Binds `localId` to the `cid` it was sent with. */
  bind(localId: number, cid: number): void;
  /** An `ack` from the server: resolves with its first argument, or rejects with its error. */
  answer(cid: number, args: readonly unknown[], error?: { code: string; message: string }): void;
  /** Rejects every request for which `keep` is false (all without `keep`). */
  rejectWhere(error: Error, keep?: (localId: number) => boolean): void;
  /** Finishes `localId` once: rejects with `error`, or resolves with `value`. */
  settle(localId: number, error?: Error, value?: unknown): void;
}

export function createPendingAcks(clock: Clock, onGiveUp: (localId: number) => void): PendingAcks {
  const pending = new Map<number, Pending>();
  const settle = (localId: number, error?: Error, value?: unknown) => {
    const entry = pending.get(localId);
    if (!entry) return;
    pending.delete(localId);
    clock.clearTimeout(entry.timer);
    entry.signal?.removeEventListener('abort', entry.onAbort);
    if (error) entry.reject(error);
    else entry.resolve(value);
  };
  return {
    add: (localId, timeoutMs, signal, label) =>
      new Promise((resolve, reject) => {
        const giveUp = (error: RequestError) => {
          settle(localId, error);
          onGiveUp(localId);
        };
        const entry: Pending = {
          resolve,
          reject,
          signal,
          timer:
            timeoutMs === Infinity
              ? undefined
              : clock.setTimeout(() => giveUp(new RequestError('ack-timeout', `no ack for "${label}" within ${timeoutMs} ms`)), timeoutMs),
          onAbort: () => giveUp(new RequestError('aborted', `"${label}" was aborted`, { cause: signal?.reason })),
        };
        pending.set(localId, entry);
        signal?.addEventListener('abort', entry.onAbort);
      }),
    bind(localId, cid) {
      const entry = pending.get(localId);
      if (entry) entry.cid = cid;
    },
    answer(cid, args, error) {
      for (const [localId, entry] of pending) {
        if (entry.cid === cid) {
          return settle(localId, error && new ProtocolError('server-error', `the server answered ${error.code}: ${error.message}`), args[0]);
        }
      }
    },
    rejectWhere(error, keep = () => false) {
      for (const localId of [...pending.keys()]) if (!keep(localId)) settle(localId, error);
    },
    settle,
  };
}
