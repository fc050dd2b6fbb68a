import type { Downstream, StopDownstream } from './sse.js';
import type { TransportCloseInfo } from './transport.js';

/**
 * SSE downstream over the platform's native `EventSource` (no bytes, what CFML pages were written
 * for). It cannot send headers nor show status codes, and it would retry on its own: at the first
 * error it is closed and the failure classified, so the Connection's policy alone decides what follows.
 * A native EventSource delivers only `message` and the custom event names listed in `events`.
 */
export const nativeEventSource: Downstream = {
  supported: ({ EventSource }) => typeof (EventSource ?? globalThis.EventSource) == 'function',
  start({ platform }, { withCredentials = false, events = [] }, transport, end): StopDownstream {
    let source: EventSource | undefined;
    let done = false;
    let opened = false;
    const stop = (): void => {
      done = true;
      source?.close();
    };
    const finish = (info: Omit<TransportCloseInfo, 'wasOpen'>): void => {
      if (done) return;
      stop();
      end({ ...info, wasOpen: opened });
    };
    const deliver = (event?: string) => (message: MessageEvent) => {
      if (!done) transport.onmessage?.({ data: message.data, event, id: message.lastEventId || undefined });
    };
    try {
      source = new (platform.EventSource ?? EventSource)(transport.url, { withCredentials });
    } catch (error) {
      queueMicrotask(() => finish({ reason: 'refused', message: `cannot open: ${error}`, error }));
      return stop;
    }
    source.onopen = () => {
      opened = true;
      if (!done) transport.onopen?.();
    };
    source.onmessage = deliver();
    for (const name of events) if (name != 'message') source.addEventListener(name, deliver(name));
    // CLOSED before open: the browser gave up (non-200 status or wrong content type; it hides which).
    // CONNECTING: the stream failed or ended, and the browser would retry by itself.
    source.onerror = () =>
      finish(
        source!.readyState == 2 && !opened
          ? { reason: 'http-status', message: 'the server refused the event stream (status or content type)' }
          : { reason: opened ? 'network' : 'refused', message: 'the event stream failed or ended' },
      );
    return stop;
  },
};
