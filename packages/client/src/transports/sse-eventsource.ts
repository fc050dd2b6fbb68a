import type { Downstream } from './sse.js';

/**
 * SSE downstream over the platform's native `EventSource` (no bytes, what CFML pages were written
 * for). It cannot send headers nor show status codes, and it would retry on its own: at the first
 * error it is closed and the failure classified, so the Connection's policy alone decides what follows.
 * A native EventSource delivers only `message` and the custom event names listed in `events`; once
 * closed, it dispatches nothing more.
 */
export const nativeEventSource: Downstream = {
  supported: ({ EventSource }) => typeof (EventSource ?? globalThis.EventSource) == 'function',
  start({ platform }, { withCredentials = false, events = [] }, transport, end) {
    let source: EventSource;
    let opened = false;
    const deliver = (event?: string) => (message: MessageEvent) => transport.onmessage?.({ data: message.data, event, id: message.lastEventId || undefined });
    try {
      source = new (platform.EventSource ?? EventSource)(transport.url, { withCredentials });
    } catch (error) {
      queueMicrotask(() => end({ reason: 'refused', wasOpen: false, message: `cannot open: ${error}`, error }));
      return () => undefined;
    }
    source.onopen = () => {
      opened = true;
      transport.onopen?.();
    };
    source.onmessage = deliver();
    for (const name of events) if (name != 'message') source.addEventListener(name, deliver(name));
    // CLOSED before open: the browser gave up (non-200 status or wrong content type; it hides which).
    // CONNECTING: the stream failed or ended, and the browser would retry by itself.
    source.onerror = () =>
      end(
        source.readyState == 2 && !opened
          ? { reason: 'http-status', wasOpen: false, message: 'the server refused the event stream (status or content type)' }
          : { reason: opened ? 'network' : 'refused', wasOpen: opened, message: 'the event stream failed or ended' },
      );
    return () => source.close();
  },
};
