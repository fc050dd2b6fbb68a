/**
 * Gateway listeners, shaped like the Lucee WebSocket gateway's listener CFC (seed 001):
 * `onClientOpen`, `onClientClose` and `onMessage` receive a mutable `data` struct; `onMessage` may
 * rewrite `data.message` or set `data.connections` to restrict the recipients. A listener that
 * throws puts its gateway in the `failed` state.
 */

/** The `data` struct handed to a listener. */
export interface GatewayEvent {
  /** Id of the connection the event is about; undefined for sendGatewayMessage. */
  readonly conn: string | undefined;
  /** The message (empty on open/close). A listener may rewrite it. */
  message: string;
  /** Set to deliver only to these connection ids (default: every connection except the sender). */
  connections?: string[];
  /** Ids of every open connection of the gateway. */
  readonly openConnections: readonly string[];
}

export interface GatewayListener {
  onClientOpen?(data: GatewayEvent): void;
  onClientClose?(data: GatewayEvent): void;
  onMessage?(data: GatewayEvent): void;
}

/** `chat`: the extension's dummy listener, a plain relay. */
export const relayListener: GatewayListener = {};

/** `shout`: rewrites every message to upper case (the seed's "modify data.message" example). */
export const shoutListener: GatewayListener = {
  onMessage(data) {
    data.message = data.message.toUpperCase();
  },
};

/** `whisper`: `@<connection id> <text>` goes to that one connection only, as `<text>`; the rest is relayed. */
export const whisperListener: GatewayListener = {
  onMessage(data) {
    const match = /^@(\S+)\s(.*)$/s.exec(data.message);
    if (!match) return;
    data.connections = [match[1] ?? ''];
    data.message = match[2] ?? '';
  },
};

/** Magic message that makes the `fragile` gateway's listener throw. */
export const FRAGILE_TRIGGER = 'fail';

/** `fragile`: relays, but its listener throws on the message `fail`, which puts the gateway in `failed`. */
export const fragileListener: GatewayListener = {
  onMessage(data) {
    if (data.message === FRAGILE_TRIGGER) throw new Error('listener error: the fragile gateway was told to fail');
  },
};

/** The gateways the harness configures, by id (ids are lower case, as Lucee stores them). */
export const DEFAULT_GATEWAYS: Readonly<Record<string, GatewayListener>> = {
  chat: relayListener,
  shout: shoutListener,
  whisper: whisperListener,
  fragile: fragileListener,
};
