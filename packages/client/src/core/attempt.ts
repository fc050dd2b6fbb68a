import type { TimerHandle } from './clock.js';
import { classifyClose, connectionFailure, type Failure } from './classify.js';
import type { AttemptContext, Endpoint, ValueSource } from './endpoint.js';
import type { UnisocketError } from './errors.js';
import type { ResolvedOptions } from './options.js';
import type { ProtocolCodec, ProtocolInput, ResumeCursor } from '../protocols/protocol.js';
import type { OutboundFrame, Transport, TransportKind } from '../transports/transport.js';
import { withQuery } from '../transports/url.js';

/** What an attempt reports to the Connection. Callbacks stop for good once the attempt is closed. */
export interface AttemptHooks {
  /** The transport opened (`confirmOn: 'open'` codecs count as up here). */
  opened(attempt: Attempt): void;
  /** A frame arrived and was decoded. */
  inputs(attempt: Attempt, inputs: ProtocolInput[]): void;
  /** The attempt ended: transport closed, connect timeout, or it could not start. */
  failed(attempt: Attempt, failure: Failure): void;
  /** A recoverable transport problem. */
  error(error: UnisocketError): void;
}

/** One try of one endpoint, with its own codec and transport (principle 2). */
export interface Attempt {
  /** Index of the endpoint in the client's list. */
  readonly index: number;
  readonly endpoint: Endpoint;
  /** The carrier in use: the transport's `carrier` (an Engine.IO session upgraded in place), else the endpoint's kind. */
  readonly carrier: TransportKind;
  /** Set once the URL and headers are resolved. */
  codec: ProtocolCodec | undefined;
  /** Marks it confirmed (first real frame): stops the connect timeout. */
  confirm(): void;
  /** Sends through the transport; only confirmed attempts (which have one) are sent through. */
  send(frames: readonly OutboundFrame[]): Promise<void>;
  /** Whether the server takes a message as large as `frame` (the transport's `fits`; true when it cannot tell). */
  fits(frame: OutboundFrame): boolean;
  /** Resolves the URL and headers, creates the codec and transport, and opens it. Called once, after the Connection registered the attempt. */
  open(): void;
  /** Detaches and closes the transport; no callback fires afterwards. Idempotent. */
  close(): void;
  /** Closes and reports `failure` through `hooks.failed`. */
  fail(failure: Failure): void;
}

export function createAttempt(
  index: number,
  endpoint: Endpoint,
  resume: ResumeCursor,
  options: ResolvedOptions,
  hooks: AttemptHooks,
  why: AttemptContext,
): Attempt {
  const { clock } = options;
  let transport: Transport | undefined;
  let timer: TimerHandle;
  let closed = false;
  const context = { url: typeof endpoint.url === 'string' ? endpoint.url : endpoint.label, transport: endpoint.kind };

  const start = (values: unknown[]) => {
    if (closed) return;
    const [url, query, headers, commonQuery, commonHeaders, loaded] = values as [string, ...(Record<string, string> | undefined)[]];
    const codec = (attempt.codec = endpoint.protocol.create({ kind: endpoint.kind, resume: { ...resume } }));
    const t = (transport = endpoint.createTransport({
      url: withQuery(url, { ...commonQuery, ...query, ...codec.connectParams() }),
      headers: { ...commonHeaders, ...headers },
      lastEventId: resume.lastEventId,
      // Tokens in the query must reach upstream POSTs too, not only the downstream URL.
      upstreamParams: () => ({ ...commonQuery, ...query, ...codec.upstreamParams() }),
      platform: options.platform,
      attempt: why,
    }, loaded));
    context.url = t.url;
    t.onopen = () => {
      const frames = codec.onOpen();
      if (frames.length) t.send(frames).catch(hooks.error);
      hooks.opened(attempt);
    };
    t.onmessage = (frame) => hooks.inputs(attempt, codec.decode(frame));
    t.onerror = hooks.error;
    t.oncursor = (eventId) => hooks.inputs(attempt, [{ type: 'cursor', eventId }]);
    // An ended stream's SSE `retry:` is a floor only where the protocol has no better signal (Retry-After stays).
    t.onclose = (info) => attempt.fail(classifyClose(codec.ignoresSseRetry && info.reason == 'ended' ? { ...info, retryAfterMs: undefined } : info, context));
    t.open();
  };

  const attempt: Attempt = {
    index,
    endpoint,
    get carrier() {
      return transport?.carrier ?? endpoint.kind;
    },
    codec: undefined,
    open() {
      const { connectTimeoutMs } = options;
      timer = clock.setTimeout(() => attempt.fail(connectionFailure('connect-timeout', `not confirmed within ${connectTimeoutMs} ms`, context)), connectTimeoutMs);
      const refused = (cause: unknown) => attempt.fail(connectionFailure('refused', `could not prepare the connection: ${String(cause)}`, { ...context, cause }));
      // Value sources (and the endpoint's code to load) are evaluated synchronously when none is async,
      // so a plain URL, or code loaded before, costs no extra tick.
      try {
        const values = [endpoint.url, endpoint.query, endpoint.headers, options.query, options.headers, endpoint.load].map((source: ValueSource<unknown>) =>
          typeof source === 'function' ? (source as (context: AttemptContext) => unknown)(why) : source,
        );
        if (values.some((value) => typeof (value as Promise<unknown> | undefined)?.then === 'function')) Promise.all(values).then(start).catch(refused);
        else start(values);
      } catch (error) {
        refused(error);
      }
    },
    confirm: () => clock.clearTimeout(timer),
    send: (frames) => transport!.send(frames),
    fits: (frame) => transport?.fits?.(frame) ?? true,
    close() {
      if (closed) return;
      closed = true;
      clock.clearTimeout(timer);
      if (!transport) return;
      transport.onopen = transport.onmessage = transport.onerror = transport.onclose = transport.oncursor = null;
      transport.close();
    },
    fail(reason) {
      if (closed) return;
      attempt.close();
      hooks.failed(attempt, reason);
    },
  };
  return attempt;
}
