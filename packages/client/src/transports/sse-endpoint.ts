import { endpointLabel, type Endpoint, type ValueSource } from '../core/endpoint.js';
import type { Protocol } from '../protocols/protocol.js';
import type { SseEndpointOptions } from './sse.js';
import type { Platform } from './transport.js';

/** Whether the fetch downstream can run here (it decodes the stream with a TextDecoder); `fetch` is checked by the endpoint. */
export const canReadEventStreams = (): boolean => typeof TextDecoder == 'function';

/**
 * The endpoint of checked options. `createTransport` makes each attempt's transport: `sse()` builds it
 * at once (`createSseTransport`); `connect()`, whose SSE endpoint is a fallback, has its code loaded
 * on demand first (`load`: DESIGN.md, "What loads up front"). `supported`: the downstream's own check.
 */
export const sseEndpoint = (
  url: ValueSource<string>,
  options: SseEndpointOptions,
  protocol: Protocol,
  supported: (platform: Platform) => boolean,
  createTransport: Endpoint['createTransport'],
  load?: Endpoint['load'],
): Endpoint => ({
  kind: 'sse',
  url,
  protocol,
  query: options.query,
  headers: options.headers,
  label: endpointLabel('sse', url),
  isSupported: (platform) => typeof (platform.fetch ?? globalThis.fetch) == 'function' && supported(platform),
  createTransport,
  load,
});
