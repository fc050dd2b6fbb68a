import type { Attempt } from './attempt.js';
import type { TimerHandle } from './clock.js';
import { ProtocolError, RequestError, UnisocketError } from './errors.js';
import type { LifecycleEvents } from './lifecycle.js';
import type { ResolvedOptions } from './options.js';
import { createOutbox, estimateBytes, sizeOf, type OutboxEntry } from './outbox.js';
import type { ProtocolInput, ResumeCursor } from '../protocols/protocol.js';
import { SENT, type OutboundFrame } from '../transports/transport.js';

export interface SessionHooks {
  /** Calls the application's listeners of `name`; returns what the first one returned (an ack answer). */
  deliver(name: string, args: readonly unknown[]): unknown;
  report<K extends keyof LifecycleEvents>(type: K, event: LifecycleEvents[K]): void;
  /** An upstream send failed: the entries stay, the transport should be replaced. */
  sendFailed(attempt: Attempt, error: UnisocketError): void;
}

export type ReadyInput = Extract<ProtocolInput, { type: 'ready' }>;

/** A batch sent in one `send()` is its own last. */
const LAST = () => true;

/** Arguments the protocol cannot encode (a BigInt, a cycle, a throwing `toJSON`). */
const unencodable = (what: string, cause: unknown) => new RequestError('unserializable', `cannot encode ${what}: ${cause}`, { cause });

/**
 * What survives reconnects: the resume cursor, the outbox and the pending acks. The Connection
 * attaches the current transport's attempt; messages flow only through that one.
 *
 * (Past 300 lines: the outbox, the pending requests with their one deadline timer, and the send
 * serialisation of request carriers share the same state; what a message costs is kept in one place.)
 */
export interface Session {
  /** Where a resumed session continues from (replaced on a new session). */
  cursor: ResumeCursor;
  /**
   * Queues a message and sends it if connected; `volatile`: only if it can go out now, else it is
   * dropped (false). Throws `outbox-full`, `unserializable`, or `too-large` when it was to go out now.
   */
  enqueue(name: string, args: readonly unknown[], raw: boolean, volatile?: boolean): boolean;
  /** `emitWithAck`: queues the event and waits for its ack. Throws `outbox-full`. */
  request(name: string, args: readonly unknown[], timeoutMs: number, signal: AbortSignal | undefined): Promise<unknown>;
  /** Makes `attempt` the one messages go through (or none); what was sent but not confirmed goes out again. */
  attach(attempt: Attempt | undefined): void;
  /** A handshake finished. Returns true when it follows another one and did not resume it (a gap). */
  ready(input: ReadyInput): boolean;
  /** Handles one input of the attached attempt; returns a `sequence-gap` error when frames were skipped. */
  receive(attempt: Attempt, input: ProtocolInput): ProtocolError | undefined;
  /** Sends what waits, in order. */
  flush(): void;
  /** A terminal close: every pending request is rejected with `error`, the outbox emptied, the session forgotten. */
  terminate(error: RequestError): void;
}

/**
 * An outbox entry, and for `emitWithAck` its request while it waits for the answer (the entry may have
 * left the outbox, confirmed but not answered yet): a deadline on the injected clock, the Promise's
 * functions, and with a signal the listener to remove once settled. One object per message.
 */
interface Message extends OutboxEntry {
  /** When the request times out, on the clock (Infinity: never). */
  deadline?: number;
  timeoutMs?: number;
  /** Set while a request waits for its answer. */
  resolve?: ((value: unknown) => void) | undefined;
  reject?: ((error: Error) => void) | undefined;
  abort?: () => void;
  signal?: AbortSignal;
}

/** The message whose Promise is being made: one shared executor hands it the Promise's functions (no closure per request). */
let asking: Message;
const capture = (resolve: Message['resolve'], reject: Message['reject']) => {
  asking.resolve = resolve;
  asking.reject = reject;
};

export function createSession(options: ResolvedOptions, hooks: SessionHooks): Session {
  const { report, deliver } = hooks;
  const { clock } = options;
  const outbox = createOutbox(options.outbox);
  let reportedSize = 0;
  let reportedBytes = 0;
  /** Reports the outbox when what waits changed (a message sent at once changes nothing, and costs no allocation). */
  const changed = () => {
    const { size, bytes } = outbox;
    if (size == reportedSize && bytes == reportedBytes) return;
    reportedSize = size;
    reportedBytes = bytes;
    report('outbox', { size, bytes });
  };
  const reportError = (error: UnisocketError) => report('error', { error });
  const sendOrReport = (attempt: Attempt, frames: readonly OutboundFrame[]) => attempt.send(frames).catch(reportError);

  /**
   * Entries whose request waits, in the order asked. A settled one leaves a hole (its `resolve` gone),
   * swept once holes are more than half the list (empty once none waits): settling costs no search.
   */
  let asked: Message[] = [];
  let holes = 0;
  /** Entries with a pending request, by the cid they went out with in the current session. */
  const byCid = new Map<number, OutboxEntry>();
  // One timer serves every deadline: it is armed for the earliest one and, when it fires, times out
  // what is due and re-arms for the next. A request that settles leaves it armed (it finds nothing
  // due and re-arms), so a round trip costs no timer call; it stops when nothing waits at a terminal close.
  let timer: TimerHandle;
  let timerAt = Infinity;
  const arm = (at: number) => {
    if (at >= timerAt) return;
    clock.clearTimeout(timer);
    timerAt = at;
    timer = clock.setTimeout(expire, at - clock.now());
  };
  const expire = () => {
    const now = clock.now();
    let next = Infinity;
    timerAt = Infinity;
    for (const entry of asked) {
      const { deadline, timeoutMs } = entry;
      if (!entry.resolve) continue;
      if (deadline! <= now) giveUp(entry, new RequestError('ack-timeout', `no ack for "${entry.name}" within ${timeoutMs} ms`));
      else next = Math.min(next, deadline!);
    }
    arm(next);
  };
  /** Finishes the request of `entry`, if it has one, once: rejects with `error`, or resolves with `value`. */
  const settle = (message: OutboxEntry, error?: Error, value?: unknown) => {
    // Every entry of this outbox is a Message (made by `queue`).
    const entry = message as Message;
    const { resolve, reject, signal } = entry;
    if (!resolve) return;
    entry.resolve = entry.reject = undefined;
    if (2 * ++holes > asked.length) {
      asked = asked.filter((left) => left.resolve);
      holes = 0;
    }
    // Cids are unique in a session and forgotten when it ends: this one can only be the entry's.
    byCid.delete(entry.cid!);
    signal?.removeEventListener('abort', entry.abort!);
    if (error) reject!(error);
    else resolve(value);
  };
  /** A timeout or an abort: the message is dropped too if it has not left yet. */
  const giveUp = (entry: Message, error: RequestError) => {
    settle(entry, error);
    if (outbox.cancel(entry)) changed();
  };
  /** The session ended: rejects every request for which `keep` is false (all without `keep`); every cid is forgotten. */
  const endSession = (error: Error, keep?: (entry: OutboxEntry) => boolean) => {
    for (const entry of asked) if (!keep?.(entry)) settle(entry, error);
    // The kept requests go out again with new cids, and are bound to them then.
    byCid.clear();
    if (!asked.length) {
      clock.clearTimeout(timer);
      timerAt = Infinity;
    }
  };

  let attached: Attempt | undefined;
  /** A handshake happened since the session began (`connect()`): the next one must resume it. */
  let hadSession = false;
  /** The attempt with a send in flight: sends are serialised so `cid`s reach the server in order. */
  let busy: Attempt | undefined;
  let lastLocalId = 0;

  /** Whether a message would go out at once: connected, nothing in flight on a request carrier, nothing waiting. */
  const sendsNow = () => attached?.codec && !busy && !outbox.size;
  /** Queues a message; the size is estimated only if it has to wait (which also finds arguments that cannot be encoded). */
  const queue = (name: string, args: readonly unknown[], wantsAck: boolean, raw: boolean) => {
    let bytes = 0;
    try {
      if (!sendsNow()) bytes = estimateBytes(name, args, raw);
    } catch (cause) {
      throw unencodable(`"${name}"`, cause);
    }
    const entry: Message = { localId: ++lastLocalId, name, args, wantsAck, raw, bytes };
    const dropped = outbox.push(entry);
    if (dropped.length) {
      const error = new RequestError('outbox-full', `the outbox is full: dropped the ${dropped.length} oldest messages`);
      for (const old of dropped) settle(old, error);
      report('error', { error, dropped });
    }
    return entry;
  };

  /** The entry `enqueue` is adding now, and the error it throws when it cannot go out (the others are sent meanwhile). */
  let adding: OutboxEntry | undefined;
  let refused: RequestError | undefined;
  /**
   * A message that cannot go out fails alone, before it leaves: arguments the protocol cannot encode
   * (`unserializable`), or larger than the server announced it takes (`too-large`: sent, it would make
   * the server close the connection, again after every reconnect). `emitWithAck` rejects, an `emit`
   * throws when it was about to go out at once, else it is reported as dropped.
   */
  const refuse = (entry: OutboxEntry, error: RequestError) => {
    outbox.settle([entry]);
    if ((entry as Message).resolve) settle(entry, error);
    else if (entry == adding) refused = error;
    else report('error', { error, dropped: [entry] });
  };

  /** Sends what waits, in order. */
  const flush = () => {
    const attempt = attached;
    const codec = attempt?.codec;
    if (!codec || busy) return changed();
    const { supportsAcks, acksOnly } = codec;
    const frames: OutboundFrame[] = [];
    /** Without acks (raw): the entry of each frame, done once the transport took it. */
    const done: OutboxEntry[] = [];
    for (const entry of outbox.take()) {
      const { name, args, wantsAck, raw } = entry;
      if (wantsAck && !supportsAcks) {
        outbox.settle([entry]);
        settle(entry, new UnisocketError('unsupported', 'this protocol has no acks: use emit()'));
        continue;
      }
      // The cid is taken only once the frame is made: an entry that cannot be encoded leaves no hole in the numbering.
      const cid = supportsAcks ? (entry.cid ?? outbox.nextCid) : 0;
      let frame: OutboundFrame;
      try {
        frame = raw && !supportsAcks ? codec.encodeMessage(args[0] as OutboundFrame) : codec.encodeEvent(name, args, cid, wantsAck);
      } catch (cause) {
        refuse(entry, unencodable(`"${name}"`, cause));
        continue;
      }
      if (!attempt.fits(frame)) {
        refuse(entry, new RequestError('too-large', `"${name}" is larger than the server takes`));
        continue;
      }
      if (supportsAcks) {
        if (entry.cid === undefined) outbox.number(entry);
        if ((entry as Message).resolve) byCid.set(cid, entry);
      }
      // Its size, should it have to wait again (sent, then the connection lost before the server confirmed it).
      entry.bytes ||= sizeOf(frame);
      frames.push(frame);
      // Without an ack asked from an acks-only server (Socket.IO), a message goes at most once: done now, never
      // sent again (not even when this send fails). Without acks (raw), a message is done once the transport took it.
      if (acksOnly && !wantsAck) outbox.settle([entry]);
      if (!supportsAcks) done.push(entry);
    }
    changed();
    if (frames.length) send(attempt, codec, frames, done);
  };

  /**
   * Hands a batch to the transport; what is done once the transport took it leaves the outbox then.
   * A WebSocket puts frames on the wire in order inside send(): no need to wait for it, so a burst of
   * emits on an open socket never piles up in the outbox. That holds for the carrier in use (an
   * Engine.IO session upgraded in place keeps its sends in order itself). Request-based carriers (SSE
   * POST, polling) are serialised, one batch per request; over SSE without a protocol batch each frame
   * is a POST of its own, and each is settled as its POST is answered (a batch cut by a lost
   * connection then sends again only what the server did not confirm, not the whole batch).
   */
  const send = (attempt: Attempt, codec: NonNullable<Attempt['codec']>, frames: OutboundFrame[], done: OutboxEntry[]) => {
    const onSocket = attempt.carrier == 'websocket';
    // The hot path (acked events on a WebSocket): nothing to settle when the send resolves, only a failure
    // to handle, and none when the frames went out at once (SENT: no handler, no Promise per message).
    if (onSocket && !done.length) {
      const sending = attempt.send(frames);
      return void (sending != SENT && sending.catch((error: UnisocketError) => failed(attempt, error)));
    }
    if (!onSocket) busy = attempt;
    if (attempt.carrier != 'sse' || codec.batch) return transmit(attempt, onSocket, frames.length > 1 && codec.batch && !onSocket ? [codec.batch(frames)] : frames, done, LAST);
    let left = frames.length;
    // `done` is empty, or holds the entry of each frame (raw).
    frames.forEach((frame, index) => transmit(attempt, onSocket, [frame], done.slice(index, index + 1), () => !--left));
  };
  /** A send failed: reported, and the transport is to be replaced. */
  const failed = (attempt: Attempt, error: UnisocketError) => {
    reportError(error);
    hooks.sendFailed(attempt, error);
  };
  /** One `send()` of the transport; `last()` says whether it was the batch's last, after which the next batch may go. */
  const transmit = (attempt: Attempt, onSocket: boolean, frames: OutboundFrame[], settled: OutboxEntry[], last: () => boolean) =>
    attempt.send(frames).then(
      () => {
        outbox.settle(settled);
        if (last() && !onSocket && busy == attempt) {
          busy = undefined;
          flush();
        }
      },
      (error: UnisocketError) => {
        if (onSocket || busy == attempt) {
          busy = undefined;
          failed(attempt, error);
        }
      },
    );

  const session: Session = {
    cursor: {},
    enqueue(name, args, raw, volatile) {
      if (volatile && !sendsNow()) return false;
      adding = queue(name, args, false, raw);
      flush();
      const error = refused;
      adding = refused = undefined;
      if (error) throw error;
      return true;
    },
    // An aborted signal rejects at once (the message leaves the outbox before it is sent); a protocol
    // without acks rejects with `unsupported` when the message would be sent.
    request(name, args, timeoutMs, signal) {
      const entry = (asking = queue(name, args, true, false));
      const answer = new Promise(capture);
      const deadline = (entry.deadline = clock.now() + timeoutMs);
      entry.timeoutMs = timeoutMs;
      asked.push(entry);
      if (signal) {
        const abort = (entry.abort = () => giveUp(entry, new RequestError('aborted', `"${name}" was aborted`, { cause: signal.reason })));
        entry.signal = signal;
        if (signal.aborted) abort();
        else signal.addEventListener('abort', abort);
      }
      if (entry.resolve) arm(deadline);
      flush();
      return answer;
    },
    attach(attempt) {
      attached = attempt;
      busy = undefined;
      outbox.requeue();
      // Connection lost: what was sent but not confirmed waits again, and `outbox` says so (a new
      // attempt sends it at once, and its flush reports).
      if (!attempt) changed();
    },
    ready(input) {
      // A session after another one continues it, or messages may be missing: with a session id the
      // client asked to resume it; without (Socket.IO without connection state recovery) it could not.
      const asked = hadSession;
      hadSession = true;
      if (input.resumed) {
        outbox.confirm(input.confirmedCid);
      } else {
        // A new session: the server knows none of our ids. Unconfirmed messages are numbered again
        // from 1; answers to messages the old session processed can no longer come.
        session.cursor = { lastSeq: 0 };
        outbox.renumber();
        endSession(new RequestError('closed', 'the session ended before the answer arrived'), outbox.has);
      }
      if (input.session !== undefined) session.cursor.session = input.session;
      return asked && !input.resumed;
    },
    receive(attempt, input) {
      const { cursor } = session;
      const { seq, eventId, offset } = input as { seq?: unknown; eventId?: string; offset?: string };
      if (typeof seq == 'number' && typeof cursor.lastSeq == 'number') {
        if (seq <= cursor.lastSeq) return undefined; // a replayed duplicate
        if (seq > cursor.lastSeq + 1) return new ProtocolError('sequence-gap', `expected seq ${cursor.lastSeq + 1}, got ${seq}`, { frame: input });
        cursor.lastSeq = seq;
      }
      if (eventId !== undefined) cursor.lastEventId = eventId;
      if (offset !== undefined) cursor.lastSeq = offset;
      switch (input.type) {
        case 'event': {
          const result = deliver(input.name, input.args);
          const { ackId } = input;
          if (ackId !== undefined) {
            void Promise.resolve(result).then((value) => {
              let frame: OutboundFrame | undefined;
              try {
                frame = attempt.codec?.encodeAckReply(ackId, value === undefined ? [] : [value]);
              } catch (cause) {
                // The listener answered what cannot be encoded: reported, and the server gets no answer.
                return reportError(unencodable(`the answer to "${input.name}"`, cause));
              }
              if (frame !== undefined && attached == attempt) sendOrReport(attempt, [frame]);
            });
          }
          break;
        }
        case 'message':
          deliver('message', [input.data]);
          break;
        case 'ack': {
          const { cid, error } = input;
          // An envelope server processes cids in order: an answer to `cid` confirms every cid up to it.
          // An acks-only server (Socket.IO) answers in any order, and only what asked for an answer.
          if (attempt.codec?.acksOnly) outbox.confirmOne(cid);
          else outbox.confirm(cid);
          const entry = byCid.get(cid);
          if (entry) settle(entry, error && new ProtocolError('server-error', `the server answered ${error.code}: ${error.message}`), input.args[0]);
          break;
        }
        case 'ping':
          outbox.confirm(input.confirmedCid);
          report('heartbeat', { at: clock.now() });
          break;
        case 'reply':
          sendOrReport(attempt, input.frames);
          break;
        case 'error':
          reportError(input.error);
      }
      return undefined;
    },
    flush,
    terminate(error) {
      attached = busy = undefined;
      hadSession = false;
      session.cursor = {};
      endSession(error);
      outbox.clear();
      changed();
    },
  };
  return session;
}
