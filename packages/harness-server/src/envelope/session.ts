import type { Carrier } from './carrier.js';
import { PROTOCOL_VERSION } from './frames.js';
import type { ByeFrame, EnvelopeErrorCode, ErrorFrame, SequencedFrame, ServerAckFrame } from './frames.js';

/** Limits of every session; the module fills them from the harness options. */
export interface SessionLimits {
  /** Sequenced frames kept for replay. Default 1,000 (PROTOCOL.md). */
  replayWindow: number;
  /** How long a detached session is kept, in ms. Default 120,000. */
  detachedTtlMs: number;
  /** Interval of `ping` frames while attached, in ms (the store's one heartbeat ticker sends them). */
  heartbeatMs: number;
}

/** The outcome of a client event, as the application reports it. */
export type EventOutcome = { args: unknown[] } | { error: { code: EnvelopeErrorCode; message: string } };

/**
 * One envelope session: its sequence counter, replay window, processed-cid cursor, and the carrier it
 * is attached to (at most one). Frames emitted while detached are only logged, and replayed on resume.
 * An idle attached session holds no timer and no log array: the store pings every session from one
 * ticker, and the replay window is created with the first sequenced frame.
 */
export class Session {
  /** Last sequence id assigned. */
  seq = 0;
  /** Highest client `cid` processed. */
  rcid = 0;
  nick: string;
  room: string | undefined;
  /** The replay window; undefined until the first sequenced frame. */
  private log: SequencedFrame[] | undefined;
  private carrier: Carrier | undefined;
  private expiry: NodeJS.Timeout | undefined;
  private disposed = false;

  constructor(
    readonly id: string,
    nick: string,
    private readonly limits: SessionLimits,
    /** Called once when the detached session outlives `detachedTtlMs` (one function shared by every session). */
    private readonly onExpire: (session: Session) => void,
  ) {
    this.nick = nick;
    this.startExpiry();
  }

  get attached(): boolean {
    return this.carrier !== undefined;
  }

  get carrierKind(): Carrier['kind'] | undefined {
    return this.carrier?.kind;
  }

  /** Whether every frame after `lastSeq` is still in the replay window. */
  canResumeFrom(lastSeq: number): boolean {
    return lastSeq <= this.seq && lastSeq >= this.seq - (this.log?.length ?? 0);
  }

  /**
   * Makes `carrier` the live downstream: ends the previous one (`bye` `replaced`), sends `welcome`,
   * then replays every logged frame after `lastSeq`. From now on the store's heartbeat pings it.
   */
  attach(carrier: Carrier, resumed: boolean, lastSeq: number): void {
    const previous = this.carrier;
    this.stopExpiry();
    this.carrier = carrier;
    previous?.end({ t: 'bye', code: 'replaced', message: `session moved to another ${carrier.kind} connection`, retry: false });
    const cursor = resumed ? lastSeq : 0;
    carrier.send(
      { t: 'welcome', v: PROTOCOL_VERSION, session: this.id, resumed, seq: this.seq, rcid: this.rcid, hb: this.limits.heartbeatMs },
      this.eventId(cursor),
    );
    for (const frame of this.log ?? []) {
      if (frame.seq > cursor) carrier.send(frame, this.eventId(frame.seq));
    }
  }

  /** Sends a `ping` (heartbeat) to the live carrier; a detached session has nothing to ping. */
  ping(): void {
    this.carrier?.send({ t: 'ping', rcid: this.rcid });
  }

  /** Called when `carrier` closed; does nothing if the session has moved on to another carrier. */
  detach(carrier: Carrier): void {
    if (this.carrier !== carrier || this.disposed) return;
    this.carrier = undefined;
    this.stopExpiry();
    this.startExpiry();
  }

  /** Emits a sequenced application event (logged; sent if attached). */
  emit(name: string, args: unknown[]): void {
    this.sequence({ t: 'event', seq: 0, name, args });
  }

  /** Sends the sequenced answer to the client event `cid`. */
  ack(cid: number, outcome: EventOutcome): void {
    const frame: ServerAckFrame = { t: 'ack', seq: 0, cid };
    if ('error' in outcome) frame.error = outcome.error;
    else frame.args = outcome.args;
    this.sequence(frame);
  }

  /** Sends an `error` frame to the live carrier; it is not sequenced, so a detached session loses it. */
  sendError(frame: ErrorFrame): void {
    this.carrier?.send(frame);
  }

  /** Ends the session for good: stops its timers and ends its carrier (with `bye` when given). */
  dispose(bye?: ByeFrame): void {
    if (this.disposed) return;
    this.disposed = true;
    this.stopExpiry();
    const carrier = this.carrier;
    this.carrier = undefined;
    carrier?.end(bye);
  }

  private sequence(frame: SequencedFrame): void {
    if (this.disposed) return;
    this.seq += 1;
    frame.seq = this.seq;
    const log = (this.log ??= []);
    log.push(frame);
    if (log.length > this.limits.replayWindow) log.shift();
    this.carrier?.send(frame, this.eventId(frame.seq));
  }

  private eventId(seq: number): string {
    return `${this.id}:${seq}`;
  }

  private startExpiry(): void {
    this.expiry = setTimeout(() => {
      this.expiry = undefined;
      if (!this.disposed) this.onExpire(this);
    }, this.limits.detachedTtlMs);
    this.expiry.unref();
  }

  private stopExpiry(): void {
    clearTimeout(this.expiry);
    this.expiry = undefined;
  }
}
