import type { AdapterNode, FrameTail, ReleaseReason } from '../adapter.js';
import { compareIds, keepCheckpoints, reaches, step, type Checkpoint, type Entry, type SessionState } from './stream.js';

interface Owned {
  /** Undefined until the `c` entry of a session this node is creating has been read. */
  state: SessionState | undefined;
  /** What Redis holds (the newest last). */
  checkpoints: Checkpoint[];
  /** Deliveries waiting until the server has attached the session (its create or resume answer is on its way). */
  held?: [number, FrameTail][];
}

/**
 * The sessions a node owns, kept in step with the cluster stream: the node reads every entry once, in
 * stream order, and sends each of its sessions the frames that reach it, numbered as any node would
 * number them again from the session's checkpoints (so a takeover after a crash sends nothing twice
 * and loses nothing). Every entry is applied to a session once: entries at or before its `pos` are
 * skipped (a takeover computed them already).
 */
export class OwnedSessions {
  private readonly sessions = new Map<string, Owned>();
  /** The rooms of this node's sessions, for the local fan-out of a broadcast. */
  private readonly rooms = new Map<string, Set<string>>();
  /** Detached sessions by when they expire (ms since the epoch), in the order they detached: expiry order, as every one has the same TTL. */
  private readonly detached = new Map<string, number>();
  /** Entries read while a resume of that session is on its way (applied once its state is computed). */
  private readonly pending = new Map<string, Entry[]>();
  /** Sessions whose checkpoints changed since they were last saved. */
  private readonly dirty = new Set<string>();

  constructor(
    private readonly node: AdapterNode,
    /** Frames between checkpoints. */
    private readonly every: number,
    private readonly replayFrames: number,
    /** Called when a session gets a new checkpoint to save (once until `takeDirty`). */
    private readonly onDirty: () => void,
  ) {}

  get size(): number {
    return this.sessions.size;
  }

  has(id: string): boolean {
    return this.sessions.has(id);
  }

  /** A session this node is creating: it starts at its `c` entry; deliveries wait for `attached`. */
  create(id: string): void {
    this.disown(id);
    this.sessions.set(id, { state: undefined, checkpoints: [], held: [] });
  }

  /** Entries read from now on are kept for the resume of `id` (see `install`). */
  startResume(id: string): void {
    this.pending.set(id, []);
  }

  /** The resume of `id` is over (installed or not). */
  endResume(id: string): void {
    this.pending.delete(id);
  }

  /**
   * Session `id` is now this node's, in `state` (computed from a checkpoint up to `state.pos`): entries
   * read meanwhile are applied after it; deliveries wait for `attached`.
   */
  install(id: string, state: SessionState, checkpoints: Checkpoint[]): void {
    this.unindex(id);
    this.detached.delete(id);
    const owned: Owned = { state, checkpoints, held: [] };
    this.sessions.set(id, owned);
    for (const room of state.rooms) this.index(id, room);
    for (const entry of this.pending.get(id) ?? []) {
      if (compareIds(entry.id, state.pos) > 0) this.applyTo(id, owned, entry);
    }
    this.pending.delete(id);
  }

  /** The server has attached `id` (the create or resume answer reached it): the held deliveries go out after this turn. */
  attached(id: string): void {
    const owned = this.sessions.get(id);
    const held = owned?.held;
    if (!owned || !held) return;
    setImmediate(() => {
      if (this.sessions.get(id) !== owned || owned.held !== held) return;
      owned.held = undefined;
      for (const [seq, frame] of held) this.node.deliver(id, seq, frame);
    });
  }

  /** The session lost its carrier: it expires at `expiresAt` unless resumed first; 0: it is attached after all. */
  detach(id: string, expiresAt: number): void {
    this.detached.delete(id);
    if (expiresAt && this.sessions.has(id)) this.detached.set(id, expiresAt);
  }

  /** No longer this node's: nothing more is delivered; `reason` is told to the server unless undefined. */
  disown(id: string, reason?: ReleaseReason): void {
    this.detached.delete(id);
    this.dirty.delete(id);
    this.unindex(id);
    if (!this.sessions.delete(id)) return;
    if (reason) this.node.release(id, reason);
  }

  /** Every session is no longer this node's (told to the server with `reason`). */
  releaseAll(reason: ReleaseReason): void {
    for (const id of [...this.sessions.keys()]) this.disown(id, reason);
  }

  /** Ids of the attached sessions. */
  attachedIds(): string[] {
    return [...this.sessions.keys()].filter((id) => !this.detached.has(id));
  }

  /** Ids of the detached sessions whose time is up at `now`, and the earliest expiry still ahead. */
  expired(now: number): { due: string[]; next: number } {
    const due: string[] = [];
    let next = Infinity;
    for (const [id, expiresAt] of this.detached) {
      if (expiresAt > now) {
        next = expiresAt;
        break;
      }
      due.push(id);
    }
    return { due, next };
  }

  /** Applies entries read from the stream, in order. */
  apply(entries: readonly Entry[]): void {
    for (const entry of entries) {
      for (const buffer of this.pending.values()) buffer.push(entry);
      if (entry.kind === 'b') {
        for (const id of this.reachedBy(entry.rooms, entry.except)) {
          const owned = this.sessions.get(id);
          if (owned) this.applyTo(id, owned, entry);
        }
        continue;
      }
      const owned = this.sessions.get(entry.session);
      if (!owned) continue;
      if (!owned.state) {
        // A session this node creates starts at its `c` entry (Redis ran the create script there).
        if (entry.kind === 'c' && entry.node === this.node.nodeId) {
          owned.state = { seq: 0, pos: entry.id, rooms: [] };
          owned.checkpoints = [[0, entry.id, []]];
        }
        continue;
      }
      this.applyTo(entry.session, owned, entry);
    }
  }

  /** Every session whose checkpoint is behind its state gets a new one (so a quiet session's stays within the stream). */
  refreshCheckpoints(): void {
    for (const [id, owned] of this.sessions) {
      const last = owned.checkpoints.at(-1);
      if (owned.state && (!last || last[1] !== owned.state.pos)) this.checkpoint(id, owned);
    }
  }

  /** The sessions with new checkpoints since the last call, with those checkpoints as JSON. */
  takeDirty(): [string, string][] {
    const out: [string, string][] = [];
    for (const id of this.dirty) {
      const owned = this.sessions.get(id);
      if (owned) out.push([id, JSON.stringify(owned.checkpoints)]);
    }
    this.dirty.clear();
    return out;
  }

  private applyTo(id: string, owned: Owned, entry: Entry): void {
    const state = owned.state;
    if (!state || compareIds(entry.id, state.pos) <= 0) return;
    const before = state.rooms;
    const result = step(state, id, entry, this.node.nodeId);
    if (result === 'moved') return this.disown(id, 'moved');
    if (result === 'ended') return this.disown(id, 'gap');
    if (state.rooms !== before) this.reindex(id, before, state.rooms);
    if (!result) return;
    if (owned.held) owned.held.push([state.seq, result]);
    else this.node.deliver(id, state.seq, result);
    const last = owned.checkpoints.at(-1);
    if (!last || state.seq - last[0] >= this.every) this.checkpoint(id, owned);
  }

  private checkpoint(id: string, owned: Owned): void {
    const { seq, pos, rooms } = owned.state!;
    owned.checkpoints = keepCheckpoints(owned.checkpoints, [seq, pos, [...rooms]], this.replayFrames);
    if (this.dirty.size === 0) this.onDirty();
    this.dirty.add(id);
  }

  /** This node's sessions a broadcast reaches. */
  private reachedBy(rooms: readonly string[], except: readonly string[]): Iterable<string> {
    if (rooms.length === 0 && except.length === 0) return this.sessions.keys();
    // One room (the common case): its members as they are (applying a broadcast changes no rooms).
    if (rooms.length === 1 && except.length === 0 && !this.sessions.has(rooms[0]!)) return this.rooms.get(rooms[0]!) ?? [];
    const candidates = new Set<string>();
    if (rooms.length === 0) for (const id of this.sessions.keys()) candidates.add(id);
    for (const name of rooms) {
      for (const id of this.rooms.get(name) ?? []) candidates.add(id);
      if (this.sessions.has(name)) candidates.add(name);
    }
    if (except.length === 0) return candidates;
    return [...candidates].filter((id) => {
      const state = this.sessions.get(id)?.state;
      return !state || reaches(id, state.rooms, [], except);
    });
  }

  private index(id: string, room: string): void {
    let members = this.rooms.get(room);
    if (!members) this.rooms.set(room, (members = new Set()));
    members.add(id);
  }

  private unindex(id: string): void {
    for (const room of this.sessions.get(id)?.state?.rooms ?? []) {
      const members = this.rooms.get(room);
      members?.delete(id);
      if (members?.size === 0) this.rooms.delete(room);
    }
  }

  private reindex(id: string, before: readonly string[], after: readonly string[]): void {
    for (const room of before) {
      if (after.includes(room)) continue;
      const members = this.rooms.get(room);
      members?.delete(id);
      if (members?.size === 0) this.rooms.delete(room);
    }
    for (const room of after) this.index(id, room);
  }
}
