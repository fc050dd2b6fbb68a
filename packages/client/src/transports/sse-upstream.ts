import { timerMs } from '../core/clock.js';
import { FIRST_ATTEMPT, type ValueSource } from '../core/endpoint.js';
import { ConnectionError } from '../core/errors.js';
import type { SseEndpointOptions } from './sse.js';
import type { OutboundFrame, TransportOpenContext } from './transport.js';
import { toHttpUrl, withQuery } from './url.js';

/** How upstream frames are POSTed. */
export type PostEncoding = 'json' | 'text' | 'form';

export interface Upstream {
  /** POSTs each frame, in order; resolves once every POST answered 2xx. */
  send(frames: readonly OutboundFrame[]): Promise<void>;
  /** Sends not started yet are rejected with `closed`; a POST in flight still settles its promise. */
  close(): void;
}

/**
 * SSE upstream: each frame is one POST to `postUrl` (resolved once, on the first send) with
 * `context.upstreamParams()` in its query and `context.headers`. The Connection merges an envelope
 * batch into one frame first. POSTs run one at a time, in order. A failed POST rejects its `send()` and
 * every `send()` already queued behind it (sending those would reorder frames); later sends run.
 * A POST not answered within `postTimeoutMs` (0 = no limit) is aborted and fails: a keep-alive connection
 * the browser reuses may be dead without a sign (a network partition), and would hold every send behind it.
 */
export function createUpstream(
  context: TransportOpenContext,
  postUrl: ValueSource<string>,
  encoding: PostEncoding,
  { withCredentials, postTimeoutMs = 10_000 }: SseEndpointOptions,
): Upstream {
  let base: Promise<string> | undefined;
  let tail: Promise<unknown> = Promise.resolve();
  let pending = 0;
  let failure: unknown;
  let closed = false;
  const fail = (code: 'closed' | 'send-failed' | 'network' | 'unauthorized', message: string, details?: { url?: string; status?: number; cause?: unknown }) =>
    new ConnectionError(code, message, { transport: 'sse', ...details });

  async function post(body: OutboundFrame): Promise<void> {
    if (closed) throw fail('closed', 'the SSE transport closed before sending');
    base ??= (async () => toHttpUrl(await (typeof postUrl == 'function' ? postUrl(context.attempt ?? FIRST_ATTEMPT) : postUrl)))().catch((cause: unknown) => {
      base = undefined; // ask again next time
      throw fail('send-failed', `no POST URL: ${cause}`, { cause });
    });
    const url = withQuery(await base, context.upstreamParams?.());
    const text = typeof body == 'string';
    const deadline = new AbortController();
    const timer = postTimeoutMs > 0 ? setTimeout(() => deadline.abort(), timerMs(postTimeoutMs)) : undefined;
    const response = await (context.platform.fetch ?? fetch)(url, {
      method: 'POST',
      // fetch itself labels a string `text/plain;charset=UTF-8` (a "simple" content type: cross-origin
      // POSTs need no CORS preflight) and URLSearchParams `application/x-www-form-urlencoded;charset=UTF-8`.
      headers: text && encoding == 'json' ? { 'content-type': 'application/json', ...context.headers } : context.headers,
      body: text && encoding == 'form' ? new URLSearchParams({ message: body }) : (body as BodyInit),
      credentials: withCredentials ? 'include' : 'same-origin',
      cache: 'no-store',
      signal: deadline.signal,
    }).then(
      (response) => (clearTimeout(timer), response),
      (cause: unknown) => {
        clearTimeout(timer);
        throw fail('network', deadline.signal.aborted ? `POST not answered within ${postTimeoutMs} ms` : `POST failed: ${cause}`, { url, cause });
      },
    );
    response.body?.cancel().catch(() => undefined); // the answer is not needed: free the connection
    const { status } = response;
    if (!response.ok) throw fail(status == 401 || status == 403 ? 'unauthorized' : 'send-failed', `POST answered HTTP ${status}`, { url, status });
  }

  return {
    send(frames) {
      const run = async () => {
        if (failure) throw failure;
        for (const frame of frames) await post(frame);
      };
      // With nothing queued the POST starts now: a goodbye sent just before close() still goes out.
      const attempt = pending ? tail.then(run) : run();
      pending++;
      tail = attempt
        .catch((error: unknown) => {
          failure = error;
        })
        .then(() => {
          if (!--pending) failure = undefined;
        });
      return attempt;
    },
    close() {
      closed = true;
    },
  };
}
