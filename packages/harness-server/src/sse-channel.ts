import type { SseStream } from './sse-stream.js';

/** One message of a plain SSE channel. */
export interface ChannelMessage {
  /** Increasing integer per channel, from 1. */
  id: number;
  event: string;
  data: string;
}

/** Messages kept per channel for `Last-Event-ID` replay, and held for queue consumers. */
export const CHANNEL_LOG_LIMIT = 500;

/**
 * A plain SSE channel (seed 004). Every posted message goes to two audiences:
 * - broadcast streams (`GET /sse/{channel}`): every one of them, with replay from a bounded log;
 * - queue consumers (`?mode=queue`): exactly ONE waiting consumer, as `LinkedBlockingQueue.poll`
 *   hands each item to one polling request; with no consumer waiting, it is held until one comes.
 */
export class SseChannel {
  private nextId = 1;
  private readonly log: ChannelMessage[] = [];
  private readonly subscribers = new Set<SseStream>();
  /** Queue consumers in the order they will be served (round-robin). */
  private readonly consumers: SseStream[] = [];
  private readonly held: ChannelMessage[] = [];

  constructor(
    readonly name: string,
    private readonly onDiscard: (line: string) => void = () => {},
  ) {}

  /** Appends a message; answers its id and how many streams it was written to. */
  publish(event: string, data: string): { id: number; delivered: number } {
    const message: ChannelMessage = { id: this.nextId++, event, data };
    this.log.push(message);
    if (this.log.length > CHANNEL_LOG_LIMIT) this.log.shift();

    let delivered = 0;
    for (const stream of this.subscribers) {
      write(stream, message);
      delivered += 1;
    }
    const consumer = this.nextConsumer();
    if (consumer) {
      write(consumer, message);
      delivered += 1;
    } else {
      this.held.push(message);
      if (this.held.length > CHANNEL_LOG_LIMIT) {
        const dropped = this.held.shift();
        this.onDiscard(`sse ${this.name}: queue full, dropped held message ${dropped?.id}`);
      }
    }
    return { id: message.id, delivered };
  }

  /** A broadcast stream: replays every logged message after `lastEventId`, then live ones. */
  subscribe(stream: SseStream, lastEventId?: number): void {
    if (lastEventId !== undefined) {
      for (const message of this.log) if (message.id > lastEventId) write(stream, message);
    }
    this.subscribers.add(stream);
    stream.onClose(() => this.subscribers.delete(stream));
  }

  /** A queue consumer: takes every held message, then waits its turn for new ones. */
  consume(stream: SseStream): void {
    for (const message of this.held.splice(0)) write(stream, message);
    this.consumers.push(stream);
    stream.onClose(() => {
      const index = this.consumers.indexOf(stream);
      if (index >= 0) this.consumers.splice(index, 1);
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
