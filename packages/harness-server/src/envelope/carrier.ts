import type { ByeFrame, ServerFrame } from './frames.js';

/** The live downstream of a session: one WebSocket, or one SSE response. */
export interface Carrier {
  readonly kind: 'websocket' | 'sse';
  /**
   * Writes one frame. `eventId` is the SSE `id:` of the frame (`<session>:<seq>`); WebSocket ignores it.
   * Writing to an ended carrier does nothing.
   */
  send(frame: ServerFrame, eventId?: string): void;
  /** Ends the carrier, after sending `bye` when given. Idempotent. */
  end(bye?: ByeFrame): void;
  readonly ended: boolean;
}
