import type { FrameTail } from '../adapters/adapter.js';
import type { AnyServerSocket } from '../session/socket.js';

/** The live downstream of a session: one WebSocket, or one SSE response. */
export interface Carrier {
  readonly kind: 'websocket' | 'sse';
  /** The session it carries; undefined until `welcome` (WebSocket: before `hello`). */
  session: AnyServerSocket | undefined;
  /** Whether it ended (or is ending): writes are dropped then. */
  readonly finished: boolean;
  /** Writes an unsequenced frame; `seq` is the SSE event id's cursor (`welcome`). */
  writeText(text: string, seq?: number): void;
  /**
   * Writes sequenced frame `seq`. A `replayed` frame (a resume's replay, which the log bounds) goes out
   * whatever the send queue holds: a replay bigger than `maxBufferedBytes` must not cut every resume.
   */
  writeFrame(seq: number, frame: FrameTail, replayed?: boolean): void;
  /** The token the SSE event ids carry (`<token>:<seq>`); WebSocket ignores it. */
  setToken(token: string): void;
  /** Heartbeat tick: a `ping` frame, and the liveness check of the transport. */
  heartbeat(): void;
  /** Ends it, after sending `bye` (its text) when given. Idempotent. */
  finish(bye?: string, closeCode?: number): void;
}
