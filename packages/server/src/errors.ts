/**
 * Thrown (or rejected) by an event handler: the client's ack gets `{ code, message }` as its `error`
 * (or an `error` frame when it asked for no ack). Any other error becomes `internal` with a generic
 * message (its text may hold what clients must not see) and is reported to the server's `error` listeners.
 */
export class EventError extends Error {
  override readonly name = 'EventError' as const;
  constructor(
    /** A short machine-readable code, e.g. `bad-args`, `not-in-room`, `forbidden`. */
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Thrown (or rejected) by `authenticate`: the request is answered with `status` (401 or 403) and the
 * message, on the WebSocket upgrade and on SSE alike, so the client reports `unauthorized` and stops.
 */
export class AuthError extends Error {
  override readonly name = 'AuthError' as const;
  constructor(
    readonly status: 401 | 403 = 401,
    message = status === 401 ? 'authentication required' : 'forbidden',
  ) {
    super(message);
  }
}
