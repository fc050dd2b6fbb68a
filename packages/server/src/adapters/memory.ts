import type {
  Adapter,
  AdapterNode,
  BroadcastTarget,
  FrameTail,
  NewSession,
  ResumedSession,
  SessionInfo,
  SessionLimits,
} from './adapter.js';
import { addRoom, hasRoom, removeRoom, roomsOf, type RoomList } from '../session/room-list.js';

/**
 * One session as the memory store keeps it. An idle session holds no array: its log is created with
 * its first frame, and its room list holds one room without one. When a detached session expires is
 * the store's (`MemoryStore.detached`), not a field here: a time in ms is no small integer, so V8
 * would box it in a heap number of its own in every record, attached ones included.
 */
class MemoryRecord {
  seq = 0;
  rcid = 0;
  rooms: RoomList;
  /** The replay window: `log[i]` has `seq - log.length + 1 + i`. */
  log: FrameTail[] | undefined;
  logBytes = 0;

  constructor(
    readonly id: string,
    readonly secretHash: string,
    public data: unknown,
    public owner: MemoryAdapter,
  ) {}

  info(): SessionInfo {
    return { id: this.id, rooms: [...roomsOf(this.rooms)], data: this.data };
  }
}

/**
 * Sessions and rooms in this process's memory. One store normally serves one server; several servers
 * in one process can share one (`memoryAdapter({ store })`) and then behave as nodes of one cluster:
 * rooms and broadcasts span them, and a session resumes on any of them.
 */
export class MemoryStore {
  readonly sessions = new Map<string, MemoryRecord>();
  readonly rooms = new Map<string, Set<MemoryRecord>>();
  /**
   * Detached sessions and when each expires (ms, `Date.now()`), in the order they detached (which is
   * expiry order when every node uses one TTL).
   */
  private readonly detached = new Map<MemoryRecord, number>();
  private sweepTimer: NodeJS.Timeout | undefined;
  private sweepAt = Infinity;
  /** Adapters bound to this store and not closed. */
  readonly adapters = new Set<MemoryAdapter>();

  /** Marks `record` detached for `ttlMs`: one timer for the whole store, armed for the oldest. */
  detach(record: MemoryRecord, ttlMs: number): void {
    const expiresAt = Date.now() + ttlMs;
    this.detached.delete(record);
    this.detached.set(record, expiresAt);
    this.arm(expiresAt);
  }

  attach(record: MemoryRecord): void {
    this.detached.delete(record);
  }

  isDetached(record: MemoryRecord): boolean {
    return this.detached.has(record);
  }

  /** Removes the session, its log and its memberships. */
  remove(record: MemoryRecord): void {
    if (this.sessions.get(record.id) !== record) return;
    this.sessions.delete(record.id);
    this.detached.delete(record);
    for (const room of roomsOf(record.rooms)) this.leaveRoom(record, room);
    record.rooms = undefined;
    record.log = undefined;
  }

  leaveRoom(record: MemoryRecord, room: string): void {
    const members = this.rooms.get(room);
    if (!members) return;
    members.delete(record);
    if (members.size === 0) this.rooms.delete(room);
  }

  /** Every session `target` reaches, each once, in room join order. */
  select(target: BroadcastTarget): Iterable<MemoryRecord> {
    const rooms = target.rooms ?? [];
    const except = target.except ?? [];
    let selected: Iterable<MemoryRecord>;
    if (rooms.length === 0) selected = this.sessions.values();
    else if (rooms.length === 1) selected = this.members(rooms[0]!);
    else {
      const union = new Set<MemoryRecord>();
      for (const room of rooms) for (const record of this.members(room)) union.add(record);
      selected = union;
    }
    if (except.length === 0) return selected;
    const excluded = new Set<MemoryRecord>();
    for (const room of except) for (const record of this.members(room)) excluded.add(record);
    return filter(selected, (record) => !excluded.has(record));
  }

  /** A room's members; a session id is a room of one. */
  private members(name: string): Iterable<MemoryRecord> {
    const room = this.rooms.get(name);
    if (room) return room;
    const session = this.sessions.get(name);
    return session ? [session] : [];
  }

  private arm(at: number): void {
    if (at >= this.sweepAt) return;
    clearTimeout(this.sweepTimer);
    this.sweepAt = at;
    this.sweepTimer = setTimeout(() => this.sweep(), Math.max(0, at - Date.now()));
    this.sweepTimer.unref();
  }

  private sweep(): void {
    this.sweepAt = Infinity;
    this.sweepTimer = undefined;
    const now = Date.now();
    for (const [record, expiresAt] of this.detached) {
      if (expiresAt > now) {
        this.arm(expiresAt);
        return;
      }
      this.remove(record);
      record.owner.released(record.id, 'expired');
    }
  }

  /** Stops the timer and forgets everything (the last adapter of the store closed). */
  clear(): void {
    clearTimeout(this.sweepTimer);
    this.sweepTimer = undefined;
    this.sweepAt = Infinity;
    this.sessions.clear();
    this.rooms.clear();
    this.detached.clear();
  }
}

function* filter<T>(items: Iterable<T>, keep: (item: T) => boolean): Iterable<T> {
  for (const item of items) if (keep(item)) yield item;
}

/** Options of {@link memoryAdapter}. */
export interface MemoryAdapterOptions {
  /**
   * The store to use. Servers in one process that share a store act as one cluster (tests, several
   * ports). @default a new store of its own
   */
  store?: MemoryStore;
}

/** The in-memory adapter (the default): every method answers synchronously. */
export class MemoryAdapter implements Adapter {
  readonly store: MemoryStore;
  private node: AdapterNode | undefined;
  private limits: SessionLimits = { replayFrames: 1000, replayBytes: 1 << 20, detachedTtlMs: 120_000 };

  constructor(options: MemoryAdapterOptions = {}) {
    this.store = options.store ?? new MemoryStore();
  }

  init(node: AdapterNode, limits: SessionLimits): void {
    if (this.node) throw new Error('this memory adapter already serves a server: create one adapter per server');
    this.node = node;
    this.limits = limits;
    this.store.adapters.add(this);
  }

  create(session: NewSession): void {
    const { sessions } = this.store;
    if (sessions.has(session.id)) throw new Error(`session id ${session.id} is taken`);
    sessions.set(session.id, new MemoryRecord(session.id, session.secretHash, session.data, this));
  }

  resume(id: string, secretHash: string, lastSeq: number): ResumedSession | undefined {
    const record = this.store.sessions.get(id);
    if (!record || record.secretHash !== secretHash) return undefined;
    const logged = record.log?.length ?? 0;
    if (lastSeq > record.seq || lastSeq < record.seq - logged) {
      this.store.remove(record);
      record.owner.released(id, 'gap');
      return undefined;
    }
    const previous = record.owner;
    record.owner = this;
    this.store.attach(record);
    if (previous !== this) previous.released(id, 'moved');
    const replay = record.log && lastSeq < record.seq ? record.log.slice(logged - (record.seq - lastSeq)) : [];
    return { ...record.info(), seq: record.seq, rcid: record.rcid, replay };
  }

  detach(id: string, data: unknown): void {
    const record = this.owned(id);
    if (!record) return;
    record.data = data;
    this.store.detach(record, this.limits.detachedTtlMs);
  }

  update(id: string, data: unknown): void {
    const record = this.owned(id);
    if (record) record.data = data;
  }

  end(id: string): void {
    const record = this.owned(id);
    if (record) this.store.remove(record);
  }

  append(id: string, frame: FrameTail): void {
    const record = this.store.sessions.get(id);
    if (record) this.appendTo(record, frame);
  }

  claim(id: string, cid: number): boolean {
    const record = this.store.sessions.get(id);
    if (!record || cid <= record.rcid) return false;
    record.rcid = cid;
    return true;
  }

  join(id: string, room: string): void {
    const record = this.store.sessions.get(id);
    if (!record || hasRoom(record.rooms, room)) return;
    record.rooms = addRoom(record.rooms, room);
    let members = this.store.rooms.get(room);
    if (!members) this.store.rooms.set(room, (members = new Set()));
    members.add(record);
  }

  leave(id: string, room: string): void {
    const record = this.store.sessions.get(id);
    if (!record || !hasRoom(record.rooms, room)) return;
    record.rooms = removeRoom(record.rooms, room);
    this.store.leaveRoom(record, room);
  }

  broadcast(target: BroadcastTarget, frame: FrameTail): number {
    let reached = 0;
    for (const record of this.store.select(target)) {
      this.appendTo(record, frame);
      reached++;
    }
    return reached;
  }

  fetchSessions(target: BroadcastTarget): SessionInfo[] {
    const found: SessionInfo[] = [];
    for (const record of this.store.select(target)) found.push(record.info());
    return found;
  }

  async close(): Promise<void> {
    const { store } = this;
    if (!store.adapters.delete(this)) return;
    if (store.adapters.size === 0) {
      store.clear();
      return;
    }
    // Other nodes share the store: this node's sessions stay, detached, for them to resume.
    for (const record of store.sessions.values()) {
      if (record.owner === this && !store.isDetached(record)) store.detach(record, this.limits.detachedTtlMs);
    }
  }

  /** Called by the store (or another adapter of it) when this adapter's session `id` went away. */
  released(id: string, reason: 'moved' | 'expired' | 'gap'): void {
    if (this.store.adapters.has(this)) this.node?.release(id, reason);
  }

  /** A session this adapter owns (a node only changes its own sessions' lifecycle). */
  private owned(id: string): MemoryRecord | undefined {
    const record = this.store.sessions.get(id);
    return record?.owner === this ? record : undefined;
  }

  private appendTo(record: MemoryRecord, frame: FrameTail): void {
    const { replayFrames, replayBytes } = record.owner.limits;
    const seq = ++record.seq;
    const log = (record.log ??= []);
    log.push(frame);
    record.logBytes += frame.bytes;
    while (log.length > replayFrames || record.logBytes > replayBytes) record.logBytes -= log.shift()!.bytes;
    if (record.owner.store.adapters.has(record.owner)) record.owner.node?.deliver(record.id, seq, frame);
  }
}

/** The default adapter: sessions, logs and rooms in this process's memory, no dependency. */
export function memoryAdapter(options: MemoryAdapterOptions = {}): MemoryAdapter {
  return new MemoryAdapter(options);
}
