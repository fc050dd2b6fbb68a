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
 * Messages in order. Those handed to the current transport wait for the server to confirm them
 * (envelope `rcid`, a Socket.IO ack), or for the send to resolve (raw); the rest wait to be sent.
 * The limits apply to what waits: what piles up while disconnected. Every operation but `take`,
 * `requeue` and `renumber` (once per batch or connection) costs the same however many messages wait
 * for acks: no scan, no shift of the list per confirmation.
 */
export interface Outbox {
  /** Messages waiting to be sent. */
  readonly size: number;
  /** Their estimated bytes. */
  readonly bytes: number;
  /** The cid the next entry numbered in this session gets. */
  readonly nextCid: number;
  /** Adds `entry`; returns the entries dropped to make room, or throws `outbox-full`. */
  push(entry: OutboxEntry): OutboxEntry[];
  /** Takes every waiting entry, in order, and keeps it as sent. */
  take(): OutboxEntry[];
  /** Gives a sent entry without a cid the next one ({@link nextCid}) and returns it: cids follow the send order. */
  number(entry: OutboxEntry): number;
  /** A new transport: everything sent but unconfirmed goes out again, first. */
  requeue(): void;
  /**
   * Removes entries with `cid <= cid`, sent or waiting to go out again; none without `cid`. For
   * servers that process cids in order (the envelope: `rcid`, an ack confirms all before it).
   */
  confirm(cid: number | undefined): void;
  /** Removes the entry with exactly this cid, if there is one: for acks that come in any order (Socket.IO). O(log n). */
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

/** What a push that drops nothing returns (shared: a push on an open connection allocates no list). */
const NOTHING: OutboxEntry[] = [];

/** An entry as the outbox keeps it: with its slot. */
type Queued = OutboxEntry & { slot?: number };

export function createOutbox({ maxMessages, maxBytes, overflow }: ResolvedOutbox): Outbox {
  // One list in send order rather than a sent and a waiting one: a requeue puts the sent entries back
  // first, so they always come before those that wait, and a requeue is just moving where the line is.
  // A removed entry leaves a hole (each entry knows its slot, so removing one anywhere costs the same);
  // the list drops its leading holes as the head moves and is compacted once half of it is holes.
  let slots: (Queued | undefined)[] = [];
  /** The first slot that may hold an entry. */
  let head = 0;
  /** Slots before this one were sent. */
  let sentEnd = 0;
  /** Holes at or after `head`. */
  let holes = 0;
  let waiting = 0;
  // The bytes of what waits, kept as entries come and go: a push must not walk the waiting list
  // (a large maxMessages would make filling it quadratic). Recounted when sent entries wait again.
  let waitingBytes = 0;
  let nextCid = 1;
  /**
   * Beside each slot, the cid it holds (Infinity while not numbered), never decreasing from the head:
   * a hole left behind a numbered entry takes a key just below its cid. `confirmOne` finds a cid by
   * halving, with no index to keep up per message.
   */
  let keys: number[] = [];

  const recount = () => {
    waiting = waitingBytes = 0;
    for (let index = sentEnd; index < slots.length; index++) {
      const entry = slots[index];
      if (entry) {
        waiting++;
        waitingBytes += entry.bytes;
      }
    }
  };
  /** Removes `entry` if it is in the outbox. */
  const remove = (entry: Queued): boolean => {
    const slot = entry.slot!;
    if (slots[slot] !== entry) return false;
    slots[slot] = undefined;
    holes++;
    if (slot >= sentEnd) {
      waiting--;
      waitingBytes -= entry.bytes;
    }
    while (head < slots.length && !slots[head]) {
      head++;
      holes--;
    }
    // An emptied list is kept until 64 slots are spent (one round trip at a time must not allocate a new list each).
    if (head + holes > 64 && 2 * (head + holes) > slots.length) {
      // Half the list is holes: rebuild it from what is left (paid for by the removals that made the holes).
      const kept: Queued[] = [];
      let sent = 0;
      for (let index = head; index < slots.length; index++) {
        const left = slots[index];
        if (!left) continue;
        if (index < sentEnd) sent++;
        left.slot = kept.push(left) - 1;
      }
      slots = kept;
      keys = kept.map((left) => left.cid ?? Infinity);
      head = holes = 0;
      sentEnd = sent;
    }
    sentEnd = Math.max(sentEnd, head);
    return true;
  };

  const outbox: Outbox = {
    get size() {
      return waiting;
    },
    get bytes() {
      return waitingBytes;
    },
    get nextCid() {
      return nextCid;
    },
    push(entry) {
      let total = waitingBytes + entry.bytes;
      let dropped = NOTHING;
      // The common case, room to spare: no bookkeeping of what to drop.
      if (waiting >= maxMessages || total > maxBytes) {
        let dropping = 0;
        const full = () => waiting - dropping >= maxMessages || total > maxBytes;
        if (full() && (overflow == 'reject-new' || entry.bytes > maxBytes)) {
          throw new RequestError('outbox-full', `the outbox is full (${waiting} messages, ${waitingBytes} bytes)`);
        }
        dropped = [];
        for (let index = sentEnd; full(); index++) {
          const old = slots[index];
          if (!old) continue;
          total -= old.bytes;
          dropping++;
          dropped.push(old);
        }
        for (const old of dropped) remove(old);
      }
      (entry as Queued).slot = slots.push(entry) - 1;
      keys.push(Infinity);
      waiting++;
      waitingBytes += entry.bytes;
      return dropped;
    },
    take() {
      const taken: OutboxEntry[] = [];
      for (let index = sentEnd; index < slots.length; index++) {
        const entry = slots[index];
        if (entry) taken.push(entry);
      }
      sentEnd = slots.length;
      waiting = waitingBytes = 0;
      return taken;
    },
    number(entry) {
      const cid = (entry.cid = nextCid++);
      if (outbox.has(entry)) {
        let slot = (entry as Queued).slot!;
        keys[slot] = cid;
        // Holes not numbered before it (entries that left unsent) keep the keys in order.
        while (--slot >= head && keys[slot] == Infinity) keys[slot] = cid - 0.5;
      }
      return cid;
    },
    requeue() {
      sentEnd = head;
      recount();
    },
    // Cids are given in send order and entries keep it, so the entries a confirmation removes come
    // first: found at the head without scanning the rest.
    confirm(cid) {
      for (let entry = slots[head]; entry && entry.cid !== undefined && entry.cid <= (cid ?? 0); entry = slots[head]) remove(entry);
    },
    confirmOne(cid) {
      // The first slot whose key is not below `cid`.
      let low = head;
      let high = slots.length;
      while (low < high) {
        const middle = (low + high) >> 1;
        if (keys[middle]! < cid) low = middle + 1;
        else high = middle;
      }
      const entry = slots[low];
      if (entry?.cid === cid) remove(entry);
    },
    settle(list) {
      for (const entry of list) remove(entry);
    },
    cancel: (entry) => (entry as Queued).slot! >= sentEnd && remove(entry),
    has: (entry) => slots[(entry as Queued).slot!] === entry,
    renumber() {
      nextCid = 1;
      for (let index = head; index < slots.length; index++) {
        const entry = slots[index];
        if (entry) entry.cid = undefined;
        keys[index] = Infinity;
      }
      outbox.requeue();
    },
    clear() {
      slots = [];
      keys = [];
      head = sentEnd = holes = waiting = waitingBytes = 0;
    },
  };
  return outbox;
}
