import type { IncomingMessage, ServerResponse } from 'node:http';

/** One SSE event as written on the wire. */
export interface SseEvent {
  event?: string;
  id?: string;
  data: string;
}

/** An open `text/event-stream` response, as the server writes to it (see the `openSseStream` option). */
export interface SseStream {
  send(event: SseEvent): void;
  comment(text: string): void;
  retry(ms: number): void;
  end(): void;
  readonly closed: boolean;
  /** Called once when the response ends, from either side. */
  onClose(listener: () => void): void;
}

/** The default `openSseStream`: `200 text/event-stream`, LF line endings, headers flushed at once. */
export function openStandardSseStream(request: IncomingMessage, response: ServerResponse): SseStream {
  response.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  response.flushHeaders();
  return new StandardSseStream(request, response);
}

const LINE_BREAK = /\r\n|\r|\n/;

/** Its methods live on the prototype: an idle stream costs this object and one `close` listener. */
class StandardSseStream implements SseStream {
  private isClosed = false;
  private listener: (() => void) | undefined;

  constructor(
    request: IncomingMessage,
    private readonly response: ServerResponse,
  ) {
    const markClosed = () => this.markClosed();
    response.once('close', markClosed);
    request.once('close', markClosed);
  }

  get closed(): boolean {
    return this.isClosed;
  }

  send(event: SseEvent): void {
    let text = event.event ? `event: ${event.event}\n` : '';
    if (event.id !== undefined) text += `id: ${event.id}\n`;
    // JSON text never holds a line break; other data is split as the SSE rules require.
    text += event.data.includes('\n') || event.data.includes('\r') ? event.data.split(LINE_BREAK).map((line) => `data: ${line}\n`).join('') : `data: ${event.data}\n`;
    this.write(`${text}\n`);
  }

  comment(text: string): void {
    this.write(`: ${text}\n`);
  }

  retry(ms: number): void {
    this.write(`retry: ${Math.max(0, Math.floor(ms))}\n`);
  }

  end(): void {
    if (this.isClosed) return;
    this.response.end();
    this.markClosed();
  }

  onClose(listener: () => void): void {
    if (this.isClosed) listener();
    else if (this.listener) {
      const first = this.listener;
      this.listener = () => {
        first();
        listener();
      };
    } else this.listener = listener;
  }

  private write(text: string): void {
    if (!this.isClosed) this.response.write(text);
  }

  private markClosed(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    const listener = this.listener;
    this.listener = undefined;
    listener?.();
  }
}
