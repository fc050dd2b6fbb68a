import type { ValueSource } from '../core/endpoint.js';
import type { Protocol } from '../protocols/protocol.js';
import type { Downstream, SseEndpointOptions, StopDownstream } from './sse.js';
import { fetchEventStream } from './sse-fetch.js';
import { createUpstream } from './sse-upstream.js';
import { transportBase, type Transport, type TransportOpenContext } from './transport.js';
import { withSchemeOrAsIs } from './url.js';

/**
 * The transport of one SSE attempt: `downstream` reads the stream from `context.url`, frames go up by
 * POST to `postUrl` (else `url`). Its own module: `connect()` loads it (and the fetch downstream and
 * the upstream with it) only when an SSE attempt starts.
 */
export function createSseTransport(
  context: TransportOpenContext,
  url: ValueSource<string>,
  options: SseEndpointOptions,
  protocol: Protocol,
  downstream: Downstream = fetchEventStream,
): Transport {
  let stop: StopDownstream | undefined;
  let closed = false;
  const upstream = createUpstream(context, options.postUrl ?? url, options.postEncoding ?? (protocol.name == 'raw' ? 'form' : 'text'), options);
  const transport: Transport = {
    // A malformed URL is left as is: the downstream reports it as `refused` when it tries to open.
    ...transportBase('sse', withSchemeOrAsIs(context.url, 'http')),
    open() {
      if (stop || closed) return;
      stop = downstream.start(context, options, transport, (info) => {
        if (closed) return;
        transport.close();
        transport.onclose?.(info);
      });
    },
    send: upstream.send,
    close() {
      closed = true;
      stop?.();
      upstream.close();
    },
  };
  return transport;
}
