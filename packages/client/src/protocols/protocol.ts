import type { ProtocolError } from '../core/errors.js';
import type { InboundFrame, OutboundFrame, TransportKind } from '../transports/transport.js';

/** Where a resumed session continues from; owned by the Connection, handed to each new codec. */
export interface ResumeCursor {
  /** What resumes the session: the envelope's resume token, or Socket.IO's pid (both secrets, not the public id). */
  session?: string;
  /** Last delivered sequence id (envelope `seq`), or Socket.IO offset. */
  lastSeq?: number | string;
  /** Last SSE `id:` seen (plain SSE servers). */
  lastEventId?: string;
}

/** What a codec makes of an inbound frame. */
export type ProtocolInput =
  /** Handshake finished: the connection is usable. */
  | {
      type: 'ready';
      /** True when the server resumed the previous session without a gap. */
      resumed: boolean;
      session?: string;
      /** Server heartbeat interval, when the server has one. */
      heartbeatMs?: number;
      /** Highest client message id the server has processed (outbox entries up to it are done). */
      confirmedCid?: number;
    }
  | {
      type: 'event';
      name: string;
      args: unknown[];
      seq?: number;
      ackId?: number | string;
      /** The SSE `id:` the event came with (protocol `raw` over SSE with a custom `event:` name). */
      eventId?: string;
      /** An opaque resume position (Socket.IO recovery offset): kept as the cursor's `lastSeq`, not checked for gaps. */
      offset?: string;
    }
  | { type: 'ack'; cid: number; args: unknown[]; error?: { code: string; message: string }; seq?: number }
  /** A raw message (protocol `raw`, or Socket.IO `message`). */
  | { type: 'message'; data: string | ArrayBuffer | Blob; seq?: number; eventId?: string }
  /** Server heartbeat; `confirmedCid` as in `ready`. */
  | { type: 'ping'; confirmedCid?: number }
  /** A frame the codec must answer right away (pong, EIO3 ping). */
  | { type: 'reply'; frames: OutboundFrame[] }
  /** The stream's resume position moved without a message (an SSE event of `id:` alone); `''` forgets it. */
  | { type: 'cursor'; eventId: string }
  /** A bad frame: reported, the connection survives. */
  | { type: 'error'; error: ProtocolError }
  /**
   * The server ends the session; `retry: false` is terminal (on this carrier). `final`: the refusal holds
   * for every endpoint (Socket.IO's namespace refused or ended the connection), so no other is tried.
   * `denied`: it refused the credentials: the credential functions are asked once more.
   */
  | { type: 'close'; code: string; message: string; retry: boolean; final?: boolean; denied?: boolean };

/** A codec instance for one connection attempt. Pure framing: no I/O, no timers; never throws. */
export interface ProtocolCodec {
  /**
   * When the transport counts as up: `first-frame` waits for the server's first real frame (envelope
   * `welcome`, Engine.IO open); `open` trusts the transport's open (raw servers that say nothing first).
   */
  readonly confirmOn: 'first-frame' | 'open';
  /** The server's id of this connection, once it named one (Socket.IO: the namespace socket id). */
  readonly id?: string;
  /** Whether the server answers `event` frames that ask for an ack. */
  readonly supportsAcks: boolean;
  /**
   * The server confirms only events that ask for an ack (Socket.IO): any other message is done once
   * the transport took it and is never sent twice, and an ack confirms its own event only (handlers
   * answer in any order). Otherwise acks and pings confirm every `cid` up to theirs (envelope).
   * @default false
   */
  readonly acksOnly?: boolean;
  /**
   * The protocol has its own ways to make clients wait (envelope `bye`, HTTP 503 `Retry-After`): an SSE
   * `retry:` field, meant for a native EventSource's own reconnects, is then not a backoff floor.
   * @default false
   */
  readonly ignoresSseRetry?: boolean;
  /** Query parameters for the downstream URL of this attempt (SSE GET resume parameters, for example). */
  connectParams(): Record<string, string>;
  /** Query parameters for upstream requests (SSE POST session id), evaluated per request. */
  upstreamParams(): Record<string, string>;
  /** Frames to send as soon as the transport opens (the envelope `hello` over WebSocket). */
  onOpen(): OutboundFrame[];
  /** Frames to send, best effort, when the user closes the client for good (Socket.IO's namespace DISCONNECT). */
  onClose?(): OutboundFrame[];
  decode(frame: InboundFrame): ProtocolInput[];
  /** Encodes an application event; `cid` is the outbox id, `wantsAck` asks the server to ack. */
  encodeEvent(name: string, args: readonly unknown[], cid: number, wantsAck: boolean): OutboundFrame;
  /** Answers a server event that asked for an ack. */
  encodeAckReply(ackId: number | string, args: readonly unknown[]): OutboundFrame | undefined;
  /** Encodes a raw `send()` payload. */
  encodeMessage(data: string | ArrayBuffer | ArrayBufferView | Blob): OutboundFrame;
  /** Merges frames for one upstream request when the transport batches (SSE POST). */
  batch?(frames: readonly OutboundFrame[]): OutboundFrame;
}

/** Creates a codec per attempt; `kind` tells which carrier it rides on. */
export interface Protocol {
  readonly name: string;
  create(options: { kind: TransportKind; resume: ResumeCursor | undefined }): ProtocolCodec;
}
