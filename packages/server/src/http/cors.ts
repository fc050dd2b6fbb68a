import type { IncomingMessage, ServerResponse } from 'node:http';

export interface CorsOptions {
  /**
   * Origins allowed to connect from another origin: `'*'` (any, only without `credentials`), one origin
   * (`'https://app.example.com'`), a list, or a function deciding per origin. Requests from other origins
   * (and WebSocket upgrades, which CORS does not cover) are refused with 403. Requests without an `Origin`
   * header (servers, native apps) are always allowed.
   */
  origin: '*' | string | readonly string[] | ((origin: string) => boolean);
  /** Allow cookies and HTTP auth cross-origin (`access-control-allow-credentials`). Never with `'*'`. @default false */
  credentials?: boolean;
  /** How long browsers may cache a preflight, in seconds. @default 600 */
  maxAgeSeconds?: number;
}

/** The decision for one request's origin. */
export interface CorsPolicy {
  /** Whether a request with this `Origin` (undefined: none) may proceed. */
  allows(request: IncomingMessage): boolean;
  /** Sets the response headers of an allowed request. */
  apply(request: IncomingMessage, response: ServerResponse): void;
  /** The headers of an allowed preflight answer. */
  preflight(request: IncomingMessage): Record<string, string>;
}

const METHODS = 'GET, POST, OPTIONS';
const DEFAULT_HEADERS = 'content-type, last-event-id';

/** Validates the option (TypeError) and builds the policy. Default: same origin only. */
export function resolveCors(options: CorsOptions | undefined): CorsPolicy {
  if (options === undefined) return sameOriginOnly;
  if (typeof options !== 'object' || options === null) throw new TypeError('unisocket server: option cors must be an object { origin, credentials? }');
  const { origin, credentials = false, maxAgeSeconds = 600 } = options;
  if (typeof credentials !== 'boolean') throw new TypeError('unisocket server: cors.credentials must be a boolean');
  if (!Number.isInteger(maxAgeSeconds) || maxAgeSeconds < 0) throw new TypeError('unisocket server: cors.maxAgeSeconds must be an integer >= 0');
  let matches: (origin: string) => boolean;
  if (origin === '*') {
    if (credentials) throw new TypeError("unisocket server: cors.origin '*' cannot be used with credentials: list the origins allowed to send cookies");
    matches = () => true;
  } else if (typeof origin === 'function') matches = origin;
  else {
    const list = typeof origin === 'string' ? [origin] : origin;
    if (!Array.isArray(list) || list.length === 0 || !list.every((entry) => typeof entry === 'string' && /^https?:\/\/[^/]+$/.test(entry))) {
      throw new TypeError(`unisocket server: cors.origin must be '*', an origin such as 'https://app.example.com' (no path), a list of them, or a function; got ${JSON.stringify(origin)}`);
    }
    const allowed = new Set(list);
    matches = (candidate) => allowed.has(candidate);
  }
  const any = origin === '*';
  const allows = (request: IncomingMessage) => {
    const requestOrigin = request.headers.origin;
    return requestOrigin === undefined || isSameOrigin(request) || matches(requestOrigin);
  };
  const headers = (request: IncomingMessage): Record<string, string> => {
    const requestOrigin = request.headers.origin;
    if (requestOrigin === undefined) return any ? { 'access-control-allow-origin': '*' } : {};
    const result: Record<string, string> = any ? { 'access-control-allow-origin': '*' } : { 'access-control-allow-origin': requestOrigin, vary: 'origin' };
    if (credentials) result['access-control-allow-credentials'] = 'true';
    return result;
  };
  return {
    allows,
    apply(request, response) {
      for (const [name, value] of Object.entries(headers(request))) response.setHeader(name, value);
    },
    preflight(request) {
      const asked = request.headers['access-control-request-headers'];
      return {
        ...headers(request),
        'access-control-allow-methods': METHODS,
        // Any header may be asked for once the origin is allowed (an `authorization` header, say).
        'access-control-allow-headers': typeof asked === 'string' && asked.trim() !== '' ? asked : DEFAULT_HEADERS,
        'access-control-max-age': String(maxAgeSeconds),
      };
    },
  };
}

/** Whether `Origin` names the host the request was sent to (the scheme may differ behind a TLS proxy). */
function isSameOrigin(request: IncomingMessage): boolean {
  const { origin, host } = request.headers;
  if (origin === undefined || host === undefined) return false;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

const sameOriginOnly: CorsPolicy = {
  allows: (request) => request.headers.origin === undefined || isSameOrigin(request),
  apply: () => undefined,
  preflight: () => ({ 'access-control-allow-methods': METHODS }),
};
