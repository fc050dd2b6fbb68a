/**
 * The adapter: everything about sessions that must be shared between server nodes (PROTOCOL.md,
 * DESIGN.md "server side"). The server core (carriers, frames, handlers, limits) is the same on one
 * node or many; it reaches sessions and rooms only through this interface.
 *
 * Two implementations run the same conformance suite (`test/adapters/conformance.ts`): `memoryAdapter()`
 * (the default: one process, no dependency) and the Redis adapter (many nodes).
 *
 * Contract shared by every method:
 * - A method may answer synchronously (the memory adapter does: the fast path) or with a Promise. The
 *   server handles both; it never assumes one or the other.
 * - Operations issued by one node are applied in the order they were issued (read your own writes): a
 *   `join` followed by a `fetchSessions` sees the join; an `append` followed by a `broadcast` reaching the
 *   same session gives the broadcast the higher `seq`, even when neither was awaited.
 * - Frames are write-ahead: `AdapterNode.deliver` is called for a frame only once it is stored in the
 *   session's replay log, so a client's `lastSeq` never exceeds what the store holds.
 * - Failures (a store that is down) reject the returned Promise; the server reports them to its `onError`
 *   and answers clients as the PROTOCOL says (a resume that fails is a new session, never a crash).
 */

/**
 * A sequenced server frame without its `seq`: the wire text is `{"seq":N` followed by `tail`
 * (`tail` starts with a comma). One instance is shared by every session a broadcast reaches, so a
 * broadcast is serialized once and each session's copy differs only by its `seq`.
 */
export interface FrameTail {
  /** The JSON text after `{"seq":N`, e.g. `,"t":"event","name":"chat","args":[…]}`. */
  readonly tail: string;
  /** UTF-8 bytes of `tail` (what the replay window's byte limit counts). */
  readonly bytes: number;
}

/** Limits the server gives its adapter (from the server options). */
export interface SessionLimits {
  /** Sequenced frames kept per session for replay. */
  readonly replayFrames: number;
  /** Bytes (sum of `FrameTail.bytes`) kept per session for replay; the oldest frames go first. */
  readonly replayBytes: number;
  /** How long a detached session is kept (with its log and rooms) before it ends, in ms. */
  readonly detachedTtlMs: number;
}

/** What a new session starts with. */
export interface NewSession {
  /** The public session id (`welcome.session`, `socket.id`): random, unique, safe to show. */
  readonly id: string;
  /** Hash of the secret half of the resume token (see `hashSecret`); the secret itself is never stored. */
  readonly secretHash: string;
  /** The application's `socket.data`. */
  readonly data: unknown;
}

/** A session as the store knows it. */
export interface SessionInfo {
  readonly id: string;
  /** Rooms the session is in, in the order it joined them. */
  readonly rooms: readonly string[];
  /** The last `data` the owning node saved (`create`, `update`, `detach`). */
  readonly data: unknown;
}

/** A session taken over by `resume`. */
export interface ResumedSession extends SessionInfo {
  /** The last `seq` assigned. */
  readonly seq: number;
  /** The highest client `cid` processed (`claim`). */
  readonly rcid: number;
  /** Every logged frame after the requested `lastSeq`, in order: `replay[i]` has `seq` `lastSeq + 1 + i`. */
  readonly replay: readonly FrameTail[];
}

/** Why a node no longer owns a session (`AdapterNode.release`). */
export type ReleaseReason =
  /** Another node (or another adapter instance) resumed it. */
  | 'moved'
  /** It stayed detached longer than `detachedTtlMs`. */
  | 'expired'
  /** A resume asked for frames its log no longer holds: the session is over, its client starts anew. */
  | 'gap';

/** Who sends a broadcast to. */
export interface BroadcastTarget {
  /**
   * Rooms to reach (a session id counts as a room holding only that session). Missing or empty: every
   * session. A session in several of them gets the frame once.
   */
  readonly rooms?: readonly string[];
  /** Rooms (or session ids) whose sessions are left out. */
  readonly except?: readonly string[];
}

/** What an adapter calls on the server node it serves. Each call is synchronous and never throws. */
export interface AdapterNode {
  /** This node's id, unique in the cluster (for ownership and logs). */
  readonly nodeId: string;
  /**
   * Frame `seq` of session `id`, owned by this node, is stored: send it if the session is attached.
   * Called in `seq` order per session, once per frame. For a session this node just took over, only
   * after its `resume` resolved, and only for frames after its `replay` (the server sends `welcome` and
   * the replay first; an earlier `deliver` would find no session here yet and be lost to the client
   * until its next resume).
   */
  deliver(id: string, seq: number, frame: FrameTail): void;
  /** Session `id`, owned by this node, is no longer its own (see `ReleaseReason`). */
  release(id: string, reason: ReleaseReason): void;
  /** A failure the adapter found on its own (outside a call the server made), for the server's `onError`. */
  error(error: Error): void;
}

/** A value now, or later. */
export type MaybePromise<T> = T | Promise<T>;

export interface Adapter {
  /** Binds the adapter to the node it serves; called once, before anything else. */
  init(node: AdapterNode, limits: SessionLimits): MaybePromise<void>;
  /** Stores a new session, owned by this node and attached, with `seq` 0 and `rcid` 0. */
  create(session: NewSession): MaybePromise<void>;
  /**
   * Takes session `id` over for this node if `secretHash` matches and its log still holds every frame
   * after `lastSeq` (`lastSeq <= seq`). A previous owner node gets `release(id, 'moved')`; the session
   * is attached. A known session whose log no longer reaches `lastSeq` (or a `lastSeq` above its `seq`)
   * is ended (its owner gets `release(id, 'gap')`) and the answer is undefined, as for an unknown id or a
   * wrong secret (which leave the session alone).
   */
  resume(id: string, secretHash: string, lastSeq: number): MaybePromise<ResumedSession | undefined>;
  /** The session lost its carrier: from now on it expires after `detachedTtlMs` unless resumed. */
  detach(id: string, data: unknown): MaybePromise<void>;
  /** Saves the application's `data` of an owned session (what `fetchSessions` reports). */
  update(id: string, data: unknown): MaybePromise<void>;
  /** Ends a session for good: its record, log and room memberships go. No `release` is called. */
  end(id: string): MaybePromise<void>;
  /** Appends one frame to session `id`'s log (the next `seq`); then `deliver` is called on its owner. */
  append(id: string, frame: FrameTail): MaybePromise<void>;
  /** Records client event `cid` as processed if it is above the session's `rcid`: true then, false for a resend. */
  claim(id: string, cid: number): MaybePromise<boolean>;
  join(id: string, room: string): MaybePromise<void>;
  leave(id: string, room: string): MaybePromise<void>;
  /**
   * Appends `frame` to the log of every session `target` reaches, on every node, attached or detached;
   * each owner gets `deliver`. Answers how many sessions it reached.
   */
  broadcast(target: BroadcastTarget, frame: FrameTail): MaybePromise<number>;
  /** The sessions `target` reaches, on every node; in one room, in the order they joined it. */
  fetchSessions(target: BroadcastTarget): MaybePromise<SessionInfo[]>;
  /**
   * This node stops: its sessions stay in the store, detached (another node may resume them until they
   * expire); timers and connections of the adapter are released. No `release` calls afterwards.
   */
  close(): Promise<void>;
}
