/**
 * Resolves `url` against the page location (when there is one: browsers, workers) and returns it absolute.
 * Throws a `TypeError` for a relative URL with no page to resolve it against, or a malformed one.
 */
export function absoluteUrl(url: string): URL {
  try {
    return new URL(url, (globalThis as { location?: { href?: string } }).location?.href);
  } catch (cause) {
    throw new TypeError(`unisocket: invalid URL "${url}" (relative URLs need a page location)`, { cause });
  }
}

/**
 * {@link absoluteUrl} of a URL given to an endpoint builder or `connect()`: also a `TypeError` unless it is
 * `http(s)` or `ws(s)` (an `ftp:` URL would otherwise be retried forever).
 */
export function endpointUrl(url: string): URL {
  const resolved = absoluteUrl(url);
  if (!/^(http|ws)s?:$/.test(resolved.protocol)) throw new TypeError(`unisocket: URL "${url}" must be http(s), ws(s) or relative, not ${resolved.protocol}`);
  return resolved;
}

const withScheme = (url: string, scheme: string): string => {
  const resolved = absoluteUrl(url);
  resolved.protocol = resolved.protocol.replace(/^(ws|http)/, scheme);
  return resolved.href;
};

/** Absolute `ws:`/`wss:` form of `url`: `http:` maps to `ws:`, `https:` to `wss:`. */
export const toWebSocketUrl = (url: string): string => withScheme(url, 'ws');

/** Absolute `http:`/`https:` form of `url`: `ws:` maps to `http:`, `wss:` to `https:`. */
export const toHttpUrl = (url: string): string => withScheme(url, 'http');

/** {@link toWebSocketUrl} or {@link toHttpUrl} of `url`, or `url` as is when it is malformed (for a transport to fail opening it). */
export function withSchemeOrAsIs(url: string, scheme: 'ws' | 'http'): string {
  try {
    return withScheme(url, scheme);
  } catch {
    return url;
  }
}

/** `url` (absolute) with `params` set in its query; a parameter already there is replaced. */
export function withQuery(url: string, params: Record<string, string> | undefined): string {
  const resolved = absoluteUrl(url);
  for (const [name, value] of Object.entries(params ?? {})) resolved.searchParams.set(name, value);
  return resolved.href;
}
