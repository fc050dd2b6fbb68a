import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HarnessContext, HarnessModule } from './context.js';
import { HttpError, pathSegments, readFields, requireMethod, sendJson } from './http-util.js';
import { SseChannel } from './sse-channel.js';
import { openSseStream } from './sse-stream.js';
import type { SseStream } from './sse-stream.js';

/** The event name seed 004 uses (`event: cfmlMessage`), unless a POST names another. */
export const DEFAULT_SSE_EVENT = 'cfmlMessage';
/** `retry:` sent at the start of every stream, unless `?retry=` asks for another. */
export const DEFAULT_SSE_RETRY_MS = 1000;

/**
 * Plain CFML-style SSE (seed 004): `GET /sse/{channel}[?mode=queue][&retry=ms]` streams messages,
 * `POST /sse/{channel}` (JSON `{"message","event"?}` or form `message=`) appends one, `GET /sse`
 * lists the channels.
 *
 * Channels are made on demand, so they are bounded: at most `sseMaxChannels` (a new one replaces the
 * least recently used channel without an open stream, or is refused with 503 when every one has a
 * stream), `sseChannelBytes` kept per channel, and a channel with no stream and no post for
 * `sseChannelIdleMs` is removed with its log.
 */
export function createPlainSseModule(ctx: HarnessContext): HarnessModule {
  const { sseMaxChannels, sseChannelBytes, sseChannelIdleMs } = ctx.options;
  /** In order of last use: a Map iterates in insertion order, and a used channel is moved to the end. */
  const channels = new Map<string, SseChannel>();
  const expire = () => {
    if (sseChannelIdleMs <= 0) return;
    const now = Date.now();
    for (const [name, idle] of channels) if (idle.idleFor(sseChannelIdleMs, now)) channels.delete(name);
  };
  const channel = (name: string) => {
    let found = channels.get(name);
    if (found) channels.delete(name);
    else {
      expire();
      if (channels.size >= sseMaxChannels) {
        const idle = [...channels.values()].find((candidate) => candidate.streams === 0);
        if (!idle) {
          throw new HttpError(503, 'too-many-channels', `the harness keeps at most ${sseMaxChannels} /sse channels and every one has an open stream`);
        }
        channels.delete(idle.name);
        ctx.log(`sse ${idle.name}: removed (least recently used, no stream) to make room for ${name}`);
      }
      found = new SseChannel(name, (line) => ctx.log(line), sseChannelBytes);
    }
    channels.set(name, found);
    return found;
  };
  // Idle channels also go without traffic (at most one sweep interval late).
  const sweeper = sseChannelIdleMs > 0 ? setInterval(expire, Math.min(sseChannelIdleMs, 60_000)).unref() : undefined;
  const open = new Set<SseStream>();
  // One ticker writes the comment heartbeat to every open stream (not a timer per stream): a stream
  // opened between two ticks gets its first comment sooner than `sseCommentMs`, never later.
  const { sseCommentMs } = ctx.options;
  const heartbeat =
    sseCommentMs > 0
      ? setInterval(() => {
          for (const sse of open) sse.comment('heartbeat');
        }, sseCommentMs).unref()
      : undefined;

  function stream(req: IncomingMessage, res: ServerResponse, url: URL, name: string): void {
    const mode = url.searchParams.get('mode') ?? 'broadcast';
    if (mode !== 'broadcast' && mode !== 'queue') {
      throw new HttpError(400, 'bad-mode', `unknown mode [${mode}]; use broadcast (default) or queue`);
    }
    const retryMs = parseNonNegativeInt(url.searchParams.get('retry')) ?? DEFAULT_SSE_RETRY_MS;
    const lastEventId = parseNonNegativeInt(headerValue(req, 'last-event-id') ?? url.searchParams.get('lastEventId'));

    // The channel first: a refusal (too many channels) is still a clean JSON answer.
    const target = channel(name);
    const sse = openSseStream(ctx, req, res);
    if (!sse) return;
    sse.retry(retryMs);
    if (mode === 'queue') target.consume(sse);
    else target.subscribe(sse, lastEventId);

    const { sseMaxAgeSeconds } = ctx.options;
    // A CFML page ends when its request times out; EventSource then reconnects with Last-Event-ID.
    const maxAge = sseMaxAgeSeconds > 0 ? setTimeout(() => sse.end(), sseMaxAgeSeconds * 1000) : undefined;
    open.add(sse);
    sse.onClose(() => {
      clearTimeout(maxAge);
      open.delete(sse);
    });
  }

  async function post(req: IncomingMessage, res: ServerResponse, name: string): Promise<void> {
    const { message, event } = await readFields(req, ctx.options.maxFrameBytes);
    if (message === undefined || message === null) {
      throw new HttpError(400, 'bad-message', 'the body needs a [message] (JSON {"message": ...} or form message=)');
    }
    if (event !== undefined && (typeof event !== 'string' || event === '' || /[\r\n]/.test(event))) {
      throw new HttpError(400, 'bad-event', '[event] must be a non-empty string without line breaks');
    }
    const data = typeof message === 'string' ? message : JSON.stringify(message);
    sendJson(res, 200, channel(name).publish(event ?? DEFAULT_SSE_EVENT, data));
  }

  return {
    name: 'plain-sse',
    async handleRequest(req, res, url) {
      const [root, name, ...rest] = pathSegments(url);
      if (root !== 'sse') return false;
      if (name === undefined && req.method !== 'POST') {
        requireMethod(req, 'GET');
        expire();
        const list = [...channels.values()].map((kept) => ({ name: kept.name, messages: kept.logged, bytes: kept.bytes, streams: kept.streams }));
        sendJson(res, 200, { channels: list, limits: { channels: sseMaxChannels, bytesPerChannel: sseChannelBytes, idleMs: sseChannelIdleMs } });
        return true;
      }
      if (name === undefined || rest.length > 0) {
        throw new HttpError(404, 'not-found', 'plain SSE lives at /sse/{channel} (one path segment)');
      }
      requireMethod(req, 'GET', 'POST');
      if (req.method === 'GET') stream(req, res, url, name);
      else await post(req, res, name);
      return true;
    },
    close() {
      clearInterval(heartbeat);
      clearInterval(sweeper);
      for (const sse of [...open]) sse.end();
    },
  };
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function parseNonNegativeInt(text: string | null | undefined): number | undefined {
  if (text === null || text === undefined || !/^\d{1,15}$/.test(text.trim())) return undefined;
  return Number(text.trim());
}
