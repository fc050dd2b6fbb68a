import { ConnectionError, type UnisocketError } from '../errors.js';
import { decodePayload, encodePayload, type EnginePacket } from '../protocol/engineio.js';
import type { TransportCloseInfo, TransportOpenContext } from './transport.js';
import { withQuery } from './url.js';

const utf8 = new TextEncoder();

/** What the carriers of one Engine.IO session share, filled in by the handshake. */
export interface EngineIoSession {
  /** The revision: asked for, or (when undefined) learnt from the first polling answer. */
  eio?: 3 | 4;
  sid?: string;
  /** Largest request body the server takes, in bytes (Engine.IO v4 handshake). */
  maxPayload?: number;
}

export interface PollingHandlers {
  packet(packet: EnginePacket): void;
  /** The carrier ended (before the session opened, when `session.sid` is unset). */
  end(info: Omit<TransportCloseInfo, 'wasOpen'>): void;
  /** A malformed payload: reported, polling goes on. */
  error(error: UnisocketError): void;
}

/** Engine.IO HTTP long-polling: one GET at a time for what comes down, one POST at a time for what goes up. */
export interface Polling {
  /** POSTs text packets (`<type><data>`) and binary `message` data, split to stay under `maxPayload`. */
  send(packets: readonly (string | Uint8Array)[]): Promise<void>;
  /** Stops polling once the GET in flight has answered (the upgrade's pause); resolves then. */
  pause(): Promise<void>;
  close(): void;
}

/**
 * Long-polling on `context.url` with `EIO`, `transport=polling`, `b64=1` (v3 servers answer binary as
 * base64 text, as v4 always does) and, once known, `sid`. Starts with the handshake GET at once.
 * Once the session exists a 400 means the server forgot it (restart, ping timeout): a `network` end,
 * retried; before, an HTTP error is the server's answer to the handshake (`http-status`).
 */
export function createPolling(context: TransportOpenContext, session: EngineIoSession, credentials: RequestCredentials, handlers: PollingHandlers): Polling {
  const abort = new AbortController();
  let paused: (() => void) | undefined;
  let closed = false;

  const request = async (body?: string): Promise<string> => {
    const url = withQuery(context.url, { EIO: `${session.eio ?? 4}`, transport: 'polling', b64: '1', ...(session.sid && { sid: session.sid }) });
    const response = await (context.platform.fetch ?? fetch)(url, {
      method: body == null ? 'GET' : 'POST',
      body,
      headers: body == null ? context.headers : { 'content-type': 'text/plain;charset=UTF-8', ...context.headers },
      credentials,
      cache: 'no-store',
      signal: abort.signal,
    });
    if (!response.ok) {
      response.body?.cancel().catch(() => undefined);
      throw response.status;
    }
    return response.text();
  };

  const poll = async () => {
    while (!closed) {
      let body: string;
      try {
        body = await request();
      } catch (cause) {
        if (closed) return;
        const status = typeof cause == 'number' ? cause : undefined;
        const opened = session.sid !== undefined;
        return handlers.end({
          reason: status && !(status == 400 && opened) ? 'http-status' : opened ? 'network' : 'refused',
          status,
          message: `polling failed: ${status ? `HTTP ${status}` : cause}`,
          error: cause,
        });
      }
      if (closed) return;
      session.eio ??= /^\d+:/.test(body) ? 3 : 4;
      let packets: EnginePacket[] = [];
      try {
        packets = decodePayload(body, session.eio == 3);
      } catch (error) {
        handlers.error(error as UnisocketError);
      }
      for (const packet of packets) if (!closed) handlers.packet(packet);
      if (paused) return paused();
    }
  };

  const post = async (packets: readonly (string | Uint8Array)[]) => {
    try {
      await request(encodePayload(packets, session.eio == 3));
    } catch (cause) {
      const status = typeof cause == 'number' ? cause : undefined;
      throw new ConnectionError(status ? 'send-failed' : 'network', `POST failed: ${status ? `HTTP ${status}` : cause}`, {
        url: context.url,
        transport: 'polling',
        status,
        cause,
      });
    }
  };

  void poll();
  return {
    async send(packets) {
      // Requests stay under the server's limit (a batch over it would be refused, again and again).
      let chunk: (string | Uint8Array)[] = [];
      let bytes = 0;
      for (const packet of packets) {
        const size = typeof packet == 'string' ? utf8.encode(packet).length + 1 : packet.length * 1.34 + 2;
        if (chunk.length && bytes + size > (session.maxPayload ?? Infinity)) {
          await post(chunk);
          chunk = [];
          bytes = 0;
        }
        chunk.push(packet);
        bytes += size;
      }
      if (chunk.length) await post(chunk);
    },
    pause: () => new Promise<void>((resolve) => (paused = resolve)),
    close() {
      closed = true;
      abort.abort();
    },
  };
}
