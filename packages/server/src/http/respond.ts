import type { IncomingMessage, ServerResponse } from 'node:http';

/** A request refused with `status` and `{"error":{"code","message"}}`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** Answers JSON; a response already under way is cut instead. */
export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const text = JSON.stringify(body);
  response.writeHead(status, { ...headers, 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)), 'cache-control': 'no-store' });
  response.end(text);
}

export function sendHttpError(response: ServerResponse, error: HttpError): void {
  sendJson(response, error.status, { error: { code: error.code, message: error.message } }, error.headers);
}

/** Bodies this many times over the limit are not drained: the connection is closed after the 413. */
const DRAIN_FACTOR = 8;

/**
 * Reads a body of at most `limit` bytes; over it, a 413 `too-large` (the rest is read and discarded, so
 * the client sees the answer rather than a reset, unless it is absurdly big: then the connection closes).
 */
export function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const tooLarge = (close: boolean) =>
      new HttpError(413, 'too-large', `the body is over the frame limit of ${limit} bytes`, close ? { connection: 'close' } : {});
    const declared = Number(request.headers['content-length']);
    if (declared > limit * DRAIN_FACTOR) return reject(tooLarge(true));
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else if (size > limit * DRAIN_FACTOR) {
        request.removeAllListeners('data');
        request.pause();
        reject(tooLarge(true));
      }
    });
    request.on('end', () => (size > limit ? reject(tooLarge(false)) : resolve(Buffer.concat(chunks))));
    // Node reports a client that went away mid-body as an `aborted` error: that is the client's doing, not ours.
    request.on('error', (error: NodeJS.ErrnoException) =>
      reject(
        request.readableAborted || error.code === 'ECONNRESET'
          ? new HttpError(400, 'client-aborted', `the client closed the connection mid-body (${size} of ${request.headers['content-length'] ?? 'unknown'} bytes received)`)
          : error,
      ),
    );
  });
}

/** The request target's path and query; the path of a mounted middleware (Express) is the original one. */
export function requestUrl(request: IncomingMessage): URL | undefined {
  const target = (request as { originalUrl?: string }).originalUrl ?? request.url ?? '/';
  try {
    return new URL(target, 'http://unisocket.invalid');
  } catch {
    return undefined;
  }
}
