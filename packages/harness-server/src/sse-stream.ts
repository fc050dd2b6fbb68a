import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SseEvent, SseStream } from '@unisocket/server';
import type { HarnessContext, SseFaults } from './context.js';

// The stream interface is the server's (`openSseStream` hook): the harness's fault-aware streams plug into it.
export type { SseEvent, SseStream } from '@unisocket/server';

/** The harness's fault-aware streams: the server's interface, plus plain SSE's start position. */
export interface HarnessSseStream extends SseStream {
  /** An event of nothing but `id:`: sets the client's last event id (sent back as `Last-Event-ID`) and dispatches nothing. */
  position(id: string): void;
}

/**
 * Opens an SSE response, or answers the configured `sse-status` fault instead and returns undefined.
 * Output written before the first-byte delay has passed is buffered, never lost.
 */
export function openSseStream(ctx: HarnessContext, req: IncomingMessage, res: ServerResponse): HarnessSseStream | undefined {
  const { sse, firstByteDelayMs } = ctx.faults;
  if (sse.status === 204) {
    res.writeHead(204).end();
    return undefined;
  }
  if (sse.status === 500) {
    res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'injected fault: sse-status 500' }));
    return undefined;
  }
  if (sse.status === 'wrong-type') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<html><body>not an event stream</body></html>');
    return undefined;
  }

  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  return new ResponseSseStream(req, res, sse, firstByteDelayMs);
}

const LINE_BREAK = /\r\n|\r|\n/;

/**
 * An open SSE response. Its methods live on the prototype: an idle stream costs this object and one
 * `close` listener, not a closure per method.
 */
class ResponseSseStream implements HarnessSseStream {
  private isClosed = false;
  private readonly eol: string;
  private readonly withComments: boolean;
  private ready: boolean;
  private pending: string;
  private delayTimer: NodeJS.Timeout | undefined;
  /** One listener, or several: most streams have exactly one, so no array until a second one comes. */
  private closeListeners: (() => void) | Array<() => void> | undefined;

  constructor(
    req: IncomingMessage,
    private readonly res: ServerResponse,
    faults: SseFaults,
    firstByteDelayMs: number,
  ) {
    this.eol = faults.lineEnding === 'crlf' ? '\r\n' : faults.lineEnding === 'cr' ? '\r' : '\n';
    this.withComments = faults.comments;
    this.ready = firstByteDelayMs <= 0;
    this.pending = faults.bom ? '\uFEFF' : '';
    if (this.ready) {
      if (this.pending) this.write('');
      else res.flushHeaders();
    } else {
      this.delayTimer = setTimeout(() => {
        this.ready = true;
        this.write('');
      }, firstByteDelayMs);
    }
    const markClosed = () => this.markClosed();
    res.on('close', markClosed);
    req.on('close', markClosed);
  }

  get closed(): boolean {
    return this.isClosed;
  }

  send(event: SseEvent): void {
    const eol = this.eol;
    let text = '';
    if (this.withComments) text += `: fault comment${eol}`;
    if (event.event) text += `event: ${event.event}${eol}`;
    if (event.id !== undefined) text += `id: ${event.id}${eol}`;
    for (const line of event.data.split(LINE_BREAK)) text += `data: ${line}${eol}`;
    this.write(text + eol);
  }

  position(id: string): void {
    this.write(`id: ${id}${this.eol}${this.eol}`);
  }

  comment(comment: string): void {
    this.write(`: ${comment}${this.eol}`);
  }

  retry(ms: number): void {
    this.write(`retry: ${Math.max(0, Math.floor(ms))}${this.eol}`);
  }

  end(): void {
    if (this.isClosed) return;
    if (!this.ready) {
      // Flush what was buffered behind the first-byte delay before ending.
      this.ready = true;
      clearTimeout(this.delayTimer);
      this.res.write(this.pending);
      this.pending = '';
    }
    this.res.end();
    this.markClosed();
  }

  onClose(listener: () => void): void {
    if (this.isClosed) listener();
    else if (this.closeListeners === undefined) this.closeListeners = listener;
    else if (typeof this.closeListeners === 'function') this.closeListeners = [this.closeListeners, listener];
    else this.closeListeners.push(listener);
  }

  private write(text: string): void {
    if (this.isClosed) return;
    if (!this.ready) {
      this.pending += text;
      return;
    }
    this.res.write(this.pending + text);
    this.pending = '';
  }

  private markClosed(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    clearTimeout(this.delayTimer);
    const listeners = this.closeListeners;
    this.closeListeners = undefined;
    if (typeof listeners === 'function') listeners();
    else if (listeners) for (const listener of listeners) listener();
  }
}
