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

/** Bytes of a frame or of raw data (string length for text). */
export const sizeOf = (value: unknown): number =>
  typeof value == 'string' ? value.length : value instanceof ArrayBuffer || ArrayBuffer.isView(value) ? value.byteLength : ((value as Blob | undefined)?.size ?? 0);

/** The size estimate used for the byte limit: JSON length for events, byte length for raw data. */
export function estimateBytes(name: string, args: readonly unknown[], raw: boolean): number {
  return raw ? sizeOf(args[0]) : name.length + (JSON.stringify(args)?.length ?? 0);
}

/**
 * Messages in order. `waiting` are not yet handed to the current transport; `sent` were, and wait
 * for the server to confirm them (envelope `rcid`), or for the send to resolve (raw). The limits
 * apply to `waiting`: what piles up while disconnected.
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
  /** Removes entries with `cid <= cid` (the server has processed them), sent or waiting to go out again. */
  confirm(cid: number): void;
  /**
   * Removes these entries, sent or put back to wait (raw protocol: done once the transport took them;
   * a send that completes after its transport was replaced must not go out again).
   */
  settle(entries: readonly OutboxEntry[]): void;
  /** Removes a waiting entry; false when it has been sent already. */
  cancel(localId: number): boolean;
  has(localId: number): boolean;
  /** A new session: every unconfirmed entry loses its `cid` and is numbered again from 1 when sent. */
  renumber(): void;
  clear(): void;
}

/**
 * Cids are given in send order and entries keep it (a requeue puts the sent ones first), so the
 * entries a confirmation removes are a prefix of each list: found without scanning the rest.
 */
const confirmed = (entries: OutboxEntry[], cid: number) => {
  let n = 0;
  while ((entries[n]?.cid ?? Infinity) <= cid) n++;
  if (n) entries.splice(0, n); // in place: no copy of every unconfirmed message per ack
  return entries;
};

export function createOutbox({ maxMessages, maxBytes, overflow }: ResolvedOutbox): Outbox {
  let waiting: OutboxEntry[] = [];
  let sent: OutboxEntry[] = [];
  const bytes = () => waiting.reduce((sum, entry) => sum + entry.bytes, 0);
  const keep = (test: (entry: OutboxEntry) => boolean) => {
    sent = sent.filter(test);
    waiting = waiting.filter(test);
  };
  const outbox: Outbox = {
    get size() {
      return waiting.length;
    },
    get bytes() {
      return bytes();
    },
    push(entry) {
      const dropped: OutboxEntry[] = [];
      let total = bytes() + entry.bytes;
      const full = () => waiting.length >= maxMessages || total > maxBytes;
      if (full() && (overflow == 'reject-new' || entry.bytes > maxBytes)) {
        throw new RequestError('outbox-full', `the outbox is full (${waiting.length} messages, ${total - entry.bytes} bytes)`);
      }
      while (full()) {
        const oldest = waiting.shift()!;
        total -= oldest.bytes;
        dropped.push(oldest);
      }
      waiting.push(entry);
      return dropped;
    },
    take() {
      const taken = waiting;
      sent.push(...taken);
      waiting = [];
      return taken;
    },
    requeue() {
      waiting = sent.concat(waiting);
      sent = [];
    },
    confirm(cid) {
      sent = confirmed(sent, cid);
      waiting = confirmed(waiting, cid);
    },
    settle(entries) {
      if (entries.length) keep((entry) => !entries.includes(entry));
    },
    cancel(localId) {
      const before = waiting.length;
      waiting = waiting.filter((entry) => entry.localId != localId);
      return waiting.length < before;
    },
    has: (localId) => waiting.some((entry) => entry.localId == localId) || sent.some((entry) => entry.localId == localId),
    renumber() {
      outbox.requeue();
      for (const entry of waiting) entry.cid = undefined;
    },
    clear: () => keep(() => false),
  };
  return outbox;
}
