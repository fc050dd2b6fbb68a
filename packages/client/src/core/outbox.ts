import { RequestError } from './errors.js';

/** What the outbox does when a new message would exceed its limits. */
export type OutboxOverflow = 'reject-new' | 'drop-oldest';

/**
 * Limits of what waits to be sent: while disconnected, or behind an upstream request in flight (SSE).
 * A message that goes out at once on an open connection does not wait and is not counted.
 */
export interface OutboxOptions {
  /** Messages waiting to be sent, at most. @default 1000 */
  maxMessages?: number;
  /** Estimated bytes waiting to be sent, at most (JSON length of the arguments, byte length of raw data). @default 1048576 (1 MiB) */
  maxBytes?: number;
  /**
   * `'reject-new'`: `emit`/`send` throw and `emitWithAck` rejects with `RequestError('outbox-full')`;
   * `'drop-oldest'`: the oldest waiting messages are dropped and reported on `lifecycle` `error`.
   * @default 'reject-new'
   */
  overflow?: OutboxOverflow;
}

export type ResolvedOutbox = Required<OutboxOptions>;

/** One message on its way out. */
export interface OutboxEntry {
  readonly localId: number;
  readonly name: string;
  readonly args: readonly unknown[];
  readonly wantsAck: boolean;
  /** A raw `send(data)` (`args[0]` is the data). */
  readonly raw: boolean;
  /** Estimated size, for the byte limit (0 until known for a message sent at once; then its frame's size). */
  bytes: number;
  /** The per-session client message id, given at the first send in a session. */
  cid?: number;
}

/** Bytes of a frame or of raw data: `byteLength` of buffers and views, `size` of a Blob, `length` of text. */
export const sizeOf = (value: unknown): number => {
  const { byteLength, size, length } = (value ?? {}) as { byteLength?: number; size?: number; length?: number };
  return byteLength ?? size ?? length ?? 0;
};

/** The size estimate used for the byte limit: JSON length for events, byte length for raw data. */
export function estimateBytes(name: string, args: readonly unknown[], raw: boolean): number {
  return raw ? sizeOf(args[0]) : name.length + (JSON.stringify(args)?.length ?? 0);
}

/**
 * Messages in order. The first `sentCount` were handed to the current transport and wait for the
 * server to confirm them (envelope `rcid`), or for the send to resolve (raw); the rest wait to be
 * sent. The limits apply to what waits: what piles up while disconnected.
 */
export interface Outbox {
  /** Messages waiting to be sent. */
  readonly size: number;
  /** Their estimated bytes. */
  readonly bytes: number;
  /** Adds `entry`; returns the entries dropped to make room, or throws `outbox-full`. */
  push(entry: OutboxEntry): OutboxEntry[];
  /** Takes every waiting entry, in order, and keeps it as sent. */
  take(): OutboxEntry[];
  /** A new transport: everything sent but unconfirmed goes out again, first. */
  requeue(): void;
  /** Removes entries with `cid <= cid` (the server has processed them), sent or waiting to go out again; none without `cid`. */
  confirm(cid: number | undefined): void;
  /** Removes the entry with this `cid` only: its answer says nothing of the others (Socket.IO answers in any order). */
  confirmOne(cid: number): void;
  /**
   * Removes these entries, sent or put back to wait (raw protocol: done once the transport took them;
   * a send that completes after its transport was replaced must not go out again).
   */
  settle(entries: readonly OutboxEntry[]): void;
  /** Removes a waiting entry; false when it has been sent already. */
  cancel(entry: OutboxEntry): boolean;
  has(entry: OutboxEntry): boolean;
  /** A new session: every unconfirmed entry loses its `cid` and is numbered again from 1 when sent. */
  renumber(): void;
  clear(): void;
}

export function createOutbox({ maxMessages, maxBytes, overflow }: ResolvedOutbox): Outbox {
  // One list rather than a sent and a waiting one: a requeue puts the sent entries back first, so
  // they always come before those that wait, and a requeue is just forgetting where the line is.
  const entries: OutboxEntry[] = [];
  let sentCount = 0;
  // The bytes of what waits, kept as entries come and go: a push must not walk the waiting list
  // (a large maxMessages would make filling it quadratic). Recounted when sent entries wait again.
  let waitingBytes = 0;
  const recount = () => {
    waitingBytes = 0;
    for (let index = sentCount; index < entries.length; index++) waitingBytes += entries[index]!.bytes;
  };
  /** Removes `entry` if it is at `from` or later; false when it is not. */
  const remove = (entry: OutboxEntry, from = 0) => {
    const index = entries.indexOf(entry);
    if (index < from) return false;
    if (index < sentCount) sentCount--;
    else waitingBytes -= entry.bytes;
    entries.splice(index, 1);
    return true;
  };
  const outbox: Outbox = {
    get size() {
      return entries.length - sentCount;
    },
    get bytes() {
      return waitingBytes;
    },
    push(entry) {
      const waiting = entries.length - sentCount;
      let total = waitingBytes + entry.bytes;
      let dropping = 0;
      const full = () => waiting - dropping >= maxMessages || total > maxBytes;
      if (full() && (overflow == 'reject-new' || entry.bytes > maxBytes)) {
        throw new RequestError('outbox-full', `the outbox is full (${waiting} messages, ${waitingBytes} bytes)`);
      }
      while (full()) total -= entries[sentCount + dropping++]!.bytes;
      entries.push(entry);
      waitingBytes = total;
      return entries.splice(sentCount, dropping);
    },
    take() {
      const taken = entries.slice(sentCount);
      sentCount = entries.length;
      waitingBytes = 0;
      return taken;
    },
    requeue() {
      sentCount = 0;
      recount();
    },
    // Cids are given in send order and entries keep it, so the entries a confirmation removes come
    // first: found without scanning the rest, removed in place (no copy of the list per ack).
    confirm(cid) {
      let count = 0;
      while ((entries[count]?.cid ?? Infinity) <= (cid ?? 0)) count++;
      for (let index = sentCount; index < count; index++) waitingBytes -= entries[index]!.bytes;
      entries.splice(0, count);
      sentCount = Math.max(sentCount - count, 0);
    },
    confirmOne(cid) {
      const entry = entries.find((candidate) => candidate.cid === cid);
      if (entry) remove(entry);
    },
    settle(list) {
      for (const entry of list) remove(entry);
    },
    cancel: (entry) => remove(entry, sentCount),
    has: (entry) => entries.includes(entry),
    renumber() {
      sentCount = 0;
      for (const entry of entries) entry.cid = undefined;
      recount();
    },
    clear() {
      entries.length = sentCount = waitingBytes = 0;
    },
  };
  return outbox;
}
