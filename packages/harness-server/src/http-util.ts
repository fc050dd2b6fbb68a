import type { IncomingMessage, ServerResponse } from 'node:http';

/** `http://HOST:PORT` of a listener on `host` (a wildcard host is shown as 127.0.0.1, an IPv6 one in brackets). */
export function baseUrl(host: string, port: number): string {
  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${shown.includes(':') ? `[${shown}]` : shown}:${port}`;
}

/** A request the harness refuses with a 4xx/5xx JSON answer `{"error":{"code","message"}}`. */
export class HttpError extends Error {
  override readonly name = 'HttpError' as const;
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Extra response headers, e.g. `allow` on a 405. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** The client closed the connection before its request body was complete: nobody is left to answer. */
export class ClientAbortedError extends HttpError {
  constructor(received: number, declared: string | undefined) {
    super(400, 'client-aborted', `the client closed the connection mid-body (${received} of ${declared ?? 'unknown'} bytes received)`);
  }
}

/** A CORS preflight (`OPTIONS`) on a route: answered 204 with its allowed methods. */
export class PreflightAnswer extends HttpError {
  constructor(allowed: readonly string[]) {
    const allow = [...allowed, 'OPTIONS'].join(', ');
    super(204, 'preflight', '', { allow, 'access-control-allow-methods': allow });
  }
}

/** Answers `status` with a JSON body. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    'cache-control': 'no-store',
  });
  res.end(text);
}

/** Answers an error as `{"error":{"code","message"}}`. */
export function sendError(res: ServerResponse, error: HttpError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (error instanceof PreflightAnswer) {
    res.writeHead(204, error.headers).end();
    return;
  }
  sendJson(res, error.status, { error: { code: error.code, message: error.message } }, error.headers);
}

/** Throws a 405 unless the request's method is one of `allowed`; a preflight is answered for them. */
export function requireMethod(req: IncomingMessage, ...allowed: string[]): void {
  if (req.method === 'OPTIONS') throw new PreflightAnswer(allowed);
  if (!allowed.includes(req.method ?? '')) {
    throw new HttpError(405, 'method-not-allowed', `${req.method} is not allowed on ${req.url}; allowed: ${allowed.join(', ')}`, {
      allow: allowed.join(', '),
    });
  }
}

/** Bodies this much over the limit are not even drained: the connection is closed after the 413. */
const DRAIN_FACTOR = 8;

/**
 * Reads a request body of at most `limit` bytes. A bigger body is a 413; the rest of it is read and
 * discarded (so the client sees the answer instead of a reset) unless it is absurdly big.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const message = `request body is larger than the limit of ${limit} bytes`;
    const tooLarge = (headers: Record<string, string> = {}) => new HttpError(413, 'too-large', message, headers);
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit * DRAIN_FACTOR) {
      reject(tooLarge({ connection: 'close' }));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let overflow = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        overflow = true;
        chunks.length = 0;
        if (size > limit * DRAIN_FACTOR) {
          req.removeAllListeners('data');
          req.pause();
          reject(tooLarge({ connection: 'close' }));
        }
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => (overflow ? reject(tooLarge()) : resolve(Buffer.concat(chunks))));
    // Node reports a client that went away mid-body as an `aborted` error: that is the client's doing, not ours.
    req.on('error', (error: NodeJS.ErrnoException) =>
      reject(req.readableAborted || error.code === 'ECONNRESET' ? new ClientAbortedError(size, req.headers['content-length']) : error),
    );
  });
}

/** A parsed POST body: JSON (object) or an HTML form, as plain string-keyed values. */
export type BodyFields = Record<string, unknown>;

/**
 * Reads and parses a JSON or `application/x-www-form-urlencoded` body. JSON is also accepted as
 * `text/plain` (what a browser sends without a preflight) or with no content type at all.
 * An empty body is `{}`.
 */
export async function readFields(req: IncomingMessage, limit: number): Promise<BodyFields> {
  const body = await readBody(req, limit);
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const text = body.toString('utf8');
  // `curl -d '{"message":…}'` labels JSON as a form: a body that opens with `{` is read as JSON.
  if (type === 'application/x-www-form-urlencoded' && !text.trimStart().startsWith('{')) {
    return Object.fromEntries(new URLSearchParams(text));
  }
  if (!['', 'application/json', 'text/plain', 'application/x-www-form-urlencoded'].includes(type)) {
    throw new HttpError(415, 'unsupported-media-type', `content type ${type} is not supported; send application/json or a form`);
  }
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, 'bad-json', `malformed JSON body: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new HttpError(400, 'bad-body', 'the JSON body must be an object');
  }
  return parsed as BodyFields;
}

/** Splits a URL path into decoded segments; a malformed escape is a 400. */
export function pathSegments(url: URL): string[] {
  try {
    return url.pathname.split('/').filter(Boolean).map((segment) => decodeURIComponent(segment));
  } catch {
    throw new HttpError(400, 'bad-path', `malformed path ${url.pathname}`);
  }
}
