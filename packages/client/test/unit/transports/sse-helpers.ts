import { HttpResponse } from 'msw';
import { sse, type SseEndpointOptions } from '../../../src/transports/sse.js';
import type { InboundFrame, Transport, TransportCloseInfo, TransportOpenContext } from '../../../src/transports/transport.js';
import type { UnisocketError } from '../../../src/core/errors.js';

const encoder = new TextEncoder();

/** A streamed response the test writes to as it goes. */
export interface LiveStream {
  response: HttpResponse<ReadableStream>;
  push(chunk: string | Uint8Array): void;
  end(): void;
  fail(error?: Error): void;
}

export function liveStream(headers: Record<string, string> = { 'content-type': 'text/event-stream; charset=utf-8' }): LiveStream {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({
    start: (c) => {
      controller = c;
    },
  });
  return {
    response: new HttpResponse(body, { status: 200, headers }),
    push: (chunk) => controller.enqueue(typeof chunk === 'string' ? encoder.encode(chunk) : chunk),
    end: () => controller.close(),
    fail: (error = new Error('connection reset')) => controller.error(error),
  };
}

/** A complete event-stream response made of `chunks`. */
export function eventStream(...chunks: (string | Uint8Array)[]): HttpResponse<ReadableStream> {
  const stream = liveStream();
  for (const chunk of chunks) stream.push(chunk);
  stream.end();
  return stream.response;
}

export interface Recorded {
  opened: number;
  frames: InboundFrame[];
  errors: UnisocketError[];
  closes: TransportCloseInfo[];
}

export function record(transport: Transport): Recorded {
  const recorded: Recorded = { opened: 0, frames: [], errors: [], closes: [] };
  transport.onopen = () => recorded.opened++;
  transport.onmessage = (frame) => recorded.frames.push(frame);
  transport.onerror = (error) => recorded.errors.push(error);
  transport.onclose = (info) => recorded.closes.push(info);
  return recorded;
}

/** Builds an SSE transport the way the Connection would, and remembers to close it. */
export function createSse(
  cleanups: (() => void)[],
  url: string,
  options?: SseEndpointOptions,
  context: Partial<TransportOpenContext> = {},
): { transport: Transport; events: Recorded } {
  const transport = sse(url, options).createTransport({ url, headers: {}, platform: {}, ...context });
  const events = record(transport);
  cleanups.push(() => transport.close());
  return { transport, events };
}
