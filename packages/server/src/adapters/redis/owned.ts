import type { AdapterNode, FrameTail, ReleaseReason } from '../adapter.js';

/** What a node fetches from the store when deliveries went missing: the frames from `first` on. */
export interface Missing {
  /** The session's owner now ('' when it is gone). */
  owner: string;
  first: number;
  tails: string[];
}

interface Owned {
  /** The next `seq` to deliver. */
  next: number;
  /** Frames held while missing ones are fetched, or until the server attached the session, in arrival order. */
  held?: [number, FrameTail][];
}

/** How long frames of a session this node does not own (yet) are kept: a create or resume whose answer is on its way. */
const EARLY_MS = 30_000;

export const frameOf = (tail: string): FrameTail => ({ tail, bytes: Buffer.byteLength(tail) });

/**
 * The sessions a node owns, and their frames delivered in `seq` order, once each. Deliveries come
 * over pub/sub, in the order Redis ran the scripts that logged them; what arrives before the node
 * knows it owns the session (the answer to its own create or resume is still on the way) waits, a
 * frame already delivered is dropped, and a missing one (a delivery lost while the subscriber was
 * reconnecting) is fetched from the session's log before the frames after it go out.
 */
export class OwnedSessions {
  private readonly sessions = new Map<string, Owned>();
  /** Detached sessions by when they expire (ms since the epoch), in the order they detached: expiry order, as every one has the same TTL. */
  private readonly detached = new Map<string, number>();
  private readonly early = new Map<string, { at: number; frames: [number, FrameTail][] }>();

  constructor(
    private readonly node: AdapterNode,
    private readonly fetchMissing: (id: string, from: number) => Promise<Missing>,
  ) {}

  get size(): number {
    return this.sessions.size;
  }

  has(id: string): boolean {
    return this.sessions.has(id);
  }

  /**
   * This node owns `id`, attached, whose last `seq` is `seq`. Frames that came early, and those arriving
   * now, are held for one turn of the event loop: the server attaches the session when the answer of the
   * call that owned it (create, resume) reaches it, and a frame delivered before that would find no carrier.
   */
  own(id: string, seq: number): void {
    let owned = this.sessions.get(id);
    if (owned) owned.next = Math.max(owned.next, seq + 1);
    else this.sessions.set(id, (owned = { next: seq + 1 }));
    this.detached.delete(id);
    const early = this.early.get(id)?.frames ?? [];
    this.early.delete(id);
    if (owned.held) return void owned.held.push(...early);
    const held = (owned.held = early);
    setImmediate(() => {
      if (owned.held !== held) return;
      owned.held = undefined;
      for (const [frameSeq, frame] of held) this.receive(id, frameSeq, frame);
    });
  }

  /** The session lost its carrier: it expires at `expiresAt` unless resumed (`own`) first; 0: it is attached after all. */
  detach(id: string, expiresAt: number): void {
    this.detached.delete(id);
    if (expiresAt && this.sessions.has(id)) this.detached.set(id, expiresAt);
  }

  /** No longer this node's: nothing more is delivered; `reason` is told to the server unless undefined. */
  disown(id: string, reason?: ReleaseReason): void {
    this.detached.delete(id);
    if (!this.sessions.delete(id)) return;
    if (reason) this.node.release(id, reason);
  }

  /** Ids of the attached sessions. */
  attached(): string[] {
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
    for (const [id, { at }] of this.early) if (at + EARLY_MS <= now) this.early.delete(id);
    return { due, next };
  }

  /** Each session's next expected `seq` (to look for lost deliveries). */
  cursors(): [string, number][] {
    return [...this.sessions].map(([id, owned]) => [id, owned.next]);
  }

  /** A delivery message: `frame` is stored as `seq` of session `id`. */
  receive(id: string, seq: number, frame: FrameTail): void {
    const owned = this.sessions.get(id);
    if (!owned) {
      let early = this.early.get(id);
      if (!early) this.early.set(id, (early = { at: Date.now(), frames: [] }));
      early.frames.push([seq, frame]);
      return;
    }
    if (owned.held) owned.held.push([seq, frame]);
    else if (seq === owned.next) {
      owned.next++;
      this.node.deliver(id, seq, frame);
    } else if (seq > owned.next) {
      owned.held = [[seq, frame]];
      this.fill(id, owned);
    }
    // seq < next: delivered already (a replay raced a delivery).
  }

  /** Fetches what is missing before `owned.held`, then delivers everything in order. */
  private fill(id: string, owned: Owned): void {
    this.fetchMissing(id, owned.next).then(
      (missing) => this.filled(id, owned, missing),
      (error: unknown) => {
        this.node.error(new Error(`redis adapter: cannot fetch the missing frames of session ${id}`, { cause: error }));
        // Go on with what arrived: the client sees the gap and resumes (or starts anew).
        this.filled(id, owned, { owner: this.node.nodeId, first: owned.held?.[0]?.[0] ?? owned.next, tails: [] });
      },
    );
  }

  /** Applies a fetch (see `SYNC`): frames from `first` on, or the news that the session moved. */
  filled(id: string, owned: Owned | undefined, missing: Missing): void {
    owned ??= this.sessions.get(id);
    if (!owned || this.sessions.get(id) !== owned) return;
    const held = owned.held ?? [];
    owned.held = undefined;
    if (missing.owner !== this.node.nodeId) return this.disown(id, missing.owner ? 'moved' : 'expired');
    // Frames lost for good (trimmed) are skipped: the client notices the gap and resumes.
    if (missing.first > owned.next) owned.next = missing.first;
    missing.tails.forEach((tail, index) => this.receive(id, missing.first + index, frameOf(tail)));
    for (const [seq, frame] of held) this.receive(id, seq, frame);
  }
}
