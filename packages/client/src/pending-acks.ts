import type { Clock, TimerHandle } from './clock.js';
import { ProtocolError, RequestError } from './errors.js';

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  label: string;
  /** When it times out, on the clock (Infinity: never). */
  deadline: number;
  timeoutMs: number;
  /** The client message id the request went out with in the current session. */
  cid?: number;
  signal?: AbortSignal;
  onAbort?: () => void;
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

/**
 * One timer serves every deadline: it is armed for the earliest one and, when it fires, times out
 * what is due and re-arms for the next. A request that settles leaves it armed (it finds nothing
 * due and re-arms), so a round trip costs no timer call; it stops when nothing waits at a terminal close.
 */
export function createPendingAcks(clock: Clock, onGiveUp: (localId: number) => void): PendingAcks {
  const pending = new Map<number, Pending>();
  const byCid = new Map<number, number>();
  let timer: TimerHandle;
  let timerAt = Infinity;

  const arm = (at: number) => {
    if (at >= timerAt) return;
    clock.clearTimeout(timer);
    timerAt = at;
    timer = clock.setTimeout(expire, at - clock.now());
  };
  const giveUp = (localId: number, error: RequestError) => {
    settle(localId, error);
    onGiveUp(localId);
  };
  const expire = () => {
    const now = clock.now();
    let next = Infinity;
    timerAt = Infinity;
    for (const [localId, { deadline, label, timeoutMs }] of pending) {
      if (deadline <= now) giveUp(localId, new RequestError('ack-timeout', `no ack for "${label}" within ${timeoutMs} ms`));
      else next = Math.min(next, deadline);
    }
    if (next < Infinity) arm(next);
  };
  const settle = (localId: number, error?: Error, value?: unknown) => {
    const entry = pending.get(localId);
    if (!entry) return;
    pending.delete(localId);
    if (byCid.get(entry.cid!) == localId) byCid.delete(entry.cid!);
    entry.signal?.removeEventListener('abort', entry.onAbort!);
    if (error) entry.reject(error);
    else entry.resolve(value);
  };

  return {
    add: (localId, timeoutMs, signal, label) =>
      new Promise((resolve, reject) => {
        const deadline = clock.now() + timeoutMs;
        const entry: Pending = { resolve, reject, label, deadline, timeoutMs };
        pending.set(localId, entry);
        if (signal) {
          entry.signal = signal;
          entry.onAbort = () => giveUp(localId, new RequestError('aborted', `"${label}" was aborted`, { cause: signal.reason }));
          if (signal.aborted) return entry.onAbort();
          signal.addEventListener('abort', entry.onAbort);
        }
        arm(deadline);
      }),
    bind(localId, cid) {
      const entry = pending.get(localId);
      if (!entry) return;
      if (byCid.get(entry.cid!) == localId) byCid.delete(entry.cid!);
      entry.cid = cid;
      byCid.set(cid, localId);
    },
    answer(cid, args, error) {
      const localId = byCid.get(cid);
      if (localId != null) settle(localId, error && new ProtocolError('server-error', `the server answered ${error.code}: ${error.message}`), args[0]);
    },
    rejectWhere(error, keep) {
      for (const localId of [...pending.keys()]) if (!keep?.(localId)) settle(localId, error);
      if (!pending.size) {
        clock.clearTimeout(timer);
        timerAt = Infinity;
      }
    },
    settle,
  };
}
