import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError } from './http-util.js';

/**
 * Who may use the routes that change the server (fault controls, gateway start/stop/restart).
 *
 * Browsers put an `Origin` header on every POST, and on every cross-origin request (a form, `fetch`
 * in `no-cors` mode, `sendBeacon` included; `null` from sandboxed or privacy-stripped pages). So:
 * - no `Origin`: a program (curl, a test, a backend), never a web page: allowed;
 * - an `Origin` listed in `controlOrigins` (`--control-origin`): allowed, and answered with CORS
 *   headers for that origin alone, so that page may read the answers and send JSON (after a preflight);
 * - any other `Origin`: 403 before anything happens, and no CORS headers, so the page cannot even read why.
 * Without this, any page the user visits could restart a local harness with a simple `text/plain`
 * POST (no preflight) while the server-wide CORS answer is `*`.
 *
 * An allowed origin is written exactly (`http://127.0.0.1:5173`) or with any port (`http://127.0.0.1:*`).
 */
export function guardControl(req: IncomingMessage, res: ServerResponse, allowed: readonly string[]): void {
  const origin = req.headers.origin;
  if (origin === undefined) return;
  if (!allowed.some((pattern) => originMatches(origin, pattern))) {
    res.removeHeader('access-control-allow-origin');
    throw new HttpError(
      403,
      'origin-not-allowed',
      `a page of origin ${origin} may not use this control; start the harness with --control-origin ${origin} to allow it`,
    );
  }
  res.setHeader('access-control-allow-origin', origin);
  res.setHeader('vary', 'origin');
}

/** `origin` is `pattern`, or `pattern` ends in `:*` and `origin` is that scheme and host with a port. */
export function originMatches(origin: string, pattern: string): boolean {
  if (!pattern.endsWith(':*')) return origin === pattern;
  const prefix = pattern.slice(0, -1);
  return origin.startsWith(prefix) && /^\d{1,5}$/.test(origin.slice(prefix.length));
}

/** A valid `--control-origin` value: `scheme://host[:port]` or `scheme://host:*`, no path. */
export function isOriginPattern(value: string): boolean {
  return /^https?:\/\/[^/\s:]+(:(\d{1,5}|\*))?$/.test(value) || /^https?:\/\/\[[0-9a-f:.]+\](:(\d{1,5}|\*))?$/i.test(value);
}
