import type { Endpoint } from '../core/endpoint.js';
import { ConnectionError } from '../core/errors.js';
import { envelope } from '../protocols/envelope.js';
import type { Protocol } from '../protocols/protocol.js';
import type {
  InboundFrame,
  OutboundFrame,
  Transport,
  TransportCloseInfo,
  TransportKind,
  TransportOpenContext,
} from '../transports/transport.js';

/**
 * A transport driven by the test, playing the server: `accept()`, `receive(data)`, `drop()`. Every
 * frame the client sends is in `sent`; `failSends` makes sends reject.
 */
export class FakeTransport implements Transport {
  readonly url: string;
  onopen: Transport['onopen'] = null;
  onmessage: Transport['onmessage'] = null;
  onerror: Transport['onerror'] = null;
  onclose: Transport['onclose'] = null;
  /** Every frame sent, in order (a batch is one frame). */
  readonly sent: OutboundFrame[] = [];
  /** Number of `send()` calls. */
  sends = 0;
  /** `open()` was called. */
  opened = false;
  /** `accept()` was called and the transport is not closed. */
  accepted = false;
  /** `close()` was called by the client. */
  closedByClient = false;
  /** When set, `send()` rejects with this error. */
  failSends: Error | undefined;

  constructor(
    readonly kind: TransportKind,
    readonly context: TransportOpenContext,
  ) {
    this.url = context.url;
  }

  open(): void {
    this.opened = true;
  }

  send(frames: readonly OutboundFrame[]): Promise<void> {
    this.sends++;
    if (this.failSends) return Promise.reject(this.failSends);
    if (!this.accepted) return Promise.reject(new ConnectionError('network', 'not open', { transport: this.kind }));
    this.sent.push(...frames);
    return Promise.resolve();
  }

  close(): void {
    this.closedByClient = true;
    this.accepted = false;
  }

  /** Server side: the transport opens. */
  accept(): void {
    this.accepted = true;
    this.onopen?.();
  }

  /** Server side: a frame arrives (`string`, or a whole {@link InboundFrame}). */
  receive(frame: string | InboundFrame): void {
    this.onmessage?.(typeof frame === 'string' ? { data: frame } : frame);
  }

  /** Server side: the transport ends; `reason` defaults to `network` (or `refused` before `accept()`). */
  drop(info: Partial<TransportCloseInfo> = {}): void {
    const wasOpen = this.accepted;
    this.accepted = false;
    this.onclose?.({ reason: wasOpen ? 'network' : 'refused', wasOpen, message: 'closed by the test', ...info });
  }

  /** Frames sent, as text. */
  get texts(): string[] {
    return this.sent.map((frame) => (typeof frame === 'string' ? frame : '[binary]'));
  }
}

export interface FakeEndpoint extends Endpoint {
  /** Every transport created, oldest first. */
  readonly transports: FakeTransport[];
  /** The newest transport. */
  readonly last: FakeTransport | undefined;
  /** Whether `isSupported` answers true. @default true */
  supported: boolean;
}

export interface FakeEndpointOptions {
  /** @default 'websocket' */
  kind?: TransportKind;
  /** @default envelope */
  protocol?: Protocol;
  /** @default `fake <kind> <url>` */
  label?: string;
  /** @default `fake://<kind>` */
  url?: Endpoint['url'];
  query?: Endpoint['query'];
  headers?: Endpoint['headers'];
}

/** An endpoint whose transports are {@link FakeTransport}s, for testing code that uses a client. */
export function createFakeEndpoint(options: FakeEndpointOptions = {}): FakeEndpoint {
  const kind = options.kind ?? 'websocket';
  const url = options.url ?? `fake://${kind}`;
  const endpoint: FakeEndpoint = {
    kind,
    url,
    protocol: options.protocol ?? envelope,
    query: options.query,
    headers: options.headers,
    label: options.label ?? `fake ${kind} ${typeof url === 'string' ? url : '(url function)'}`,
    transports: [],
    get last() {
      return endpoint.transports[endpoint.transports.length - 1];
    },
    supported: true,
    isSupported: () => endpoint.supported,
    createTransport(context) {
      const transport = new FakeTransport(kind, context);
      endpoint.transports.push(transport);
      return transport;
    },
  };
  return endpoint;
}
