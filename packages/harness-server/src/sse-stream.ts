import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HarnessContext } from './context.js';

/** One SSE event as written on the wire. */
export interface SseEvent {
  event?: string;
  id?: string;
  data: string;
}

/** A server-sent events response that honours the SSE faults (line endings, BOM, comments, first-byte delay). */
export interface SseStream {
  send(event: SseEvent): void;
  comment(text: string): void;
  retry(ms: number): void;
  end(): void;
  readonly closed: boolean;
  /** Called once when the response ends, from either side. */
  onClose(listener: () => void): void;
}

/**
 * Opens an SSE response, or answers the configured `sse-status` fault instead and returns undefined.
 * Output written before the first-byte delay has passed is buffered, never lost.
 */
export function openSseStream(ctx: HarnessContext, req: IncomingMessage, res: ServerResponse): SseStream | undefined {
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

  const eol = sse.lineEnding === 'crlf' ? '\r\n' : sse.lineEnding === 'cr' ? '\r' : '\n';
  const withComments = sse.comments;
  let closed = false;
  let ready = firstByteDelayMs <= 0;
  let pending = sse.bom ? '\uFEFF' : '';
  const closeListeners: Array<() => void> = [];

  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });

  const write = (text: string) => {
    if (closed) return;
    if (!ready) {
      pending += text;
      return;
    }
    res.write(pending + text);
    pending = '';
  };

  let delayTimer: NodeJS.Timeout | undefined;
  if (ready) {
    if (pending) write('');
    else res.flushHeaders();
  } else {
    delayTimer = setTimeout(() => {
      ready = true;
      write('');
    }, firstByteDelayMs);
  }

  const markClosed = () => {
    if (closed) return;
    closed = true;
    if (delayTimer) clearTimeout(delayTimer);
    for (const listener of closeListeners.splice(0)) listener();
  };
  res.on('close', markClosed);
  req.on('close', markClosed);

  return {
    get closed() {
      return closed;
    },
    send(event) {
      let text = '';
      if (withComments) text += `: fault comment${eol}`;
      if (event.event) text += `event: ${event.event}${eol}`;
      if (event.id !== undefined) text += `id: ${event.id}${eol}`;
      for (const line of event.data.split(/\r\n|\r|\n/)) text += `data: ${line}${eol}`;
      write(text + eol);
    },
    comment(comment) {
      write(`: ${comment}${eol}`);
    },
    retry(ms) {
      write(`retry: ${Math.max(0, Math.floor(ms))}${eol}`);
    },
    end() {
      if (closed) return;
      if (!ready) {
        // Flush what was buffered behind the first-byte delay before ending.
        ready = true;
        if (delayTimer) clearTimeout(delayTimer);
        res.write(pending);
        pending = '';
      }
      res.end();
      markClosed();
    },
    onClose(listener) {
      if (closed) listener();
      else closeListeners.push(listener);
    },
  };
}
