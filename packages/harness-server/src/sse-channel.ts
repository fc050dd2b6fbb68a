import type { HarnessSseStream, SseStream } from './sse-stream.js';

/** One message of a plain SSE channel. */
export interface ChannelMessage {
  /** Increasing integer per channel, from 1. */
  id: number;
  event: string;
  data: string;
}

/** Messages kept per channel for `Last-Event-ID` replay, and held for queue consumers. */
export const CHANNEL_LOG_LIMIT = 500;

/** A kept message: in the log, held for a queue consumer, or both (one object, counted once). */
interface KeptMessage extends ChannelMessage {
  /** What it costs the channel: its event name and data (UTF-8) and the id. */
  readonly cost: number;
  /** How many of the log and the held queue have it. */
  holders: number;
}

/**
 * A plain SSE channel (seed 004). Every posted message goes to two audiences:
 * - broadcast streams (`GET /sse/{channel}`): every one of them, with replay from a bounded log;
 * - queue consumers (`?mode=queue`): exactly ONE waiting consumer, as `LinkedBlockingQueue.poll`
 *   hands each item to one polling request; with no consumer waiting, it is held until one comes.
 *
 * What it keeps (the log and the held messages together) is bounded by `maxBytes` and by
 * {@link CHANNEL_LOG_LIMIT} messages each, oldest dropped first; a message bigger than `maxBytes`
 * on its own is delivered live but never kept.
 */
export class SseChannel {
  private nextId = 1;
  private readonly log: KeptMessage[] = [];
  private readonly subscribers = new Set<SseStream>();
  /** Queue consumers in the order they will be served (round-robin). */
  private readonly consumers: SseStream[] = [];
  private readonly held: KeptMessage[] = [];
  /** Bytes of the messages in the log or the held queue. */
  private kept = 0;
  /** When the channel last had a post, or a stream opening or closing (ms, `Date.now()`). */
  private lastActiveAt = Date.now();

  constructor(
    readonly name: string,
    private readonly onDiscard: (line: string) => void = () => {},
    private readonly maxBytes = Infinity,
  ) {}

  /** Bytes kept for replay and for queue consumers. */
  get bytes(): number {
    return this.kept;
  }

  /** Messages kept for replay. */
  get logged(): number {
    return this.log.length;
  }

  /** Open streams (broadcast and queue). */
  get streams(): number {
    return this.subscribers.size + this.consumers.length;
  }

  /** No stream open and nothing posted for `idleMs`. */
  idleFor(idleMs: number, now = Date.now()): boolean {
    return this.streams === 0 && now - this.lastActiveAt >= idleMs;
  }

  /** Appends a message; answers its id and how many streams it was written to. */
  publish(event: string, data: string): { id: number; delivered: number } {
    const message: KeptMessage = { id: this.nextId++, event, data, cost: Buffer.byteLength(data) + Buffer.byteLength(event) + 16, holders: 0 };
    this.lastActiveAt = Date.now();
    const keep = message.cost <= this.maxBytes;
    if (keep) {
      this.hold(this.log, message);
      if (this.log.length > CHANNEL_LOG_LIMIT) this.release(this.log.shift()!);
    }

    let delivered = 0;
    for (const stream of this.subscribers) {
      write(stream, message);
      delivered += 1;
    }
    const consumer = this.nextConsumer();
    if (consumer) {
      write(consumer, message);
      delivered += 1;
    } else if (keep) {
      this.hold(this.held, message);
      if (this.held.length > CHANNEL_LOG_LIMIT) this.dropHeld('queue full');
    } else {
      this.onDiscard(`sse ${this.name}: message ${message.id} (${message.cost} B) is over the channel's ${this.maxBytes} B: not held for a queue consumer`);
    }
    // Over the byte budget: the oldest kept message goes, from the log and the held queue alike.
    while (this.kept > this.maxBytes && (this.log.length || this.held.length)) {
      const oldest = Math.min(this.log[0]?.id ?? Infinity, this.held[0]?.id ?? Infinity);
      if (this.log[0]?.id === oldest) this.release(this.log.shift()!);
      if (this.held[0]?.id === oldest) this.dropHeld('over the channel bytes');
    }
    return { id: message.id, delivered };
  }

  private hold(list: KeptMessage[], message: KeptMessage): void {
    list.push(message);
    if (message.holders++ === 0) this.kept += message.cost;
  }

  private release(message: KeptMessage): void {
    if (--message.holders === 0) this.kept -= message.cost;
  }

  private dropHeld(why: string): void {
    const dropped = this.held.shift()!;
    this.release(dropped);
    this.onDiscard(`sse ${this.name}: ${why}, dropped held message ${dropped.id}`);
  }

  /**
   * A broadcast stream: replays every logged message after `lastEventId`, then live ones. Without a
   * `lastEventId` it starts with the channel's position (`id: N` alone, 0 while empty): a client whose
   * stream ends before any message reached it then reconnects from there instead of from nowhere, and
   * misses nothing posted while it waited out `retry:`.
   */
  subscribe(stream: HarnessSseStream, lastEventId?: number): void {
    if (lastEventId !== undefined) {
      for (const message of this.log) if (message.id > lastEventId) write(stream, message);
    } else stream.position(String(this.nextId - 1));
    this.lastActiveAt = Date.now();
    this.subscribers.add(stream);
    stream.onClose(() => {
      this.subscribers.delete(stream);
      this.lastActiveAt = Date.now();
    });
  }

  /** A queue consumer: takes every held message, then waits its turn for new ones. */
  consume(stream: SseStream): void {
    for (const message of this.held.splice(0)) {
      this.release(message);
      write(stream, message);
    }
    this.lastActiveAt = Date.now();
    this.consumers.push(stream);
    stream.onClose(() => {
      const index = this.consumers.indexOf(stream);
      if (index >= 0) this.consumers.splice(index, 1);
      this.lastActiveAt = Date.now();
    });
  }

  /** Takes the consumer that has waited longest and puts it at the back of the line. */
  private nextConsumer(): SseStream | undefined {
    const consumer = this.consumers.shift();
    if (consumer) this.consumers.push(consumer);
    return consumer;
  }
}

function write(stream: SseStream, message: ChannelMessage): void {
  stream.send({ event: message.event, id: String(message.id), data: message.data });
}
