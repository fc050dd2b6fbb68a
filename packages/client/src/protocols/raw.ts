import type { Protocol, ProtocolInput } from './protocol.js';

export interface RawProtocolOptions {
  /**
   * Also decode inbound JSON text of the form `{"event": name, "args": [...]}` (or
   * `{"event": name, "data": x}`) as a named event; any other text stays a `message`.
   * @default false
   */
  json?: boolean;
}

/** `{"event": name, "args": [...]}` or `{"event": name, "data": x}` as an event; undefined otherwise. */
function namedEvent(text: string): { name: string; args: unknown[] } | undefined {
  try {
    const { event, args, data } = JSON.parse(text);
    if (typeof event == 'string' && (args === undefined || Array.isArray(args))) {
      return { name: event, args: args ?? (data === undefined ? [] : [data]) };
    }
  } catch {
    // not JSON (or JSON null): a plain message
  }
  return undefined;
}

/**
 * Strings as they come, no envelope: Lucee WebSocket gateways, plain `ws` servers, CFML SSE pages.
 * Inbound frames become `message`s (an SSE event with a custom `event:` name becomes that event with
 * the data as its one argument); `send(data)` puts `data` on the wire untouched. A raw server has no
 * event names, so `emit(name, ...args)` sends the JSON text `{"event":name,"args":[...]}`, which
 * `raw({ json: true })` on the other side decodes back. No acks; the transport's open counts as up.
 */
export function raw(options: RawProtocolOptions = {}): Protocol {
  const json = options?.json;
  if (json !== undefined && typeof json != 'boolean') throw new TypeError('unisocket raw(): option "json" must be a boolean');
  return {
    name: 'raw',
    // The codec keeps no state: every attempt gets the same one.
    create: () => ({
      confirmOn: 'open',
      supportsAcks: false,
      connectParams: () => ({}),
      upstreamParams: () => ({}),
      onOpen: () => [],
      decode({ data, event, id: eventId }): ProtocolInput[] {
        const named = event && event != 'message' ? { name: event, args: [data] } : json && typeof data == 'string' ? namedEvent(data) : undefined;
        return [named ? { type: 'event', ...named, eventId } : { type: 'message', data, eventId }];
      },
      encodeEvent: (name, args) => JSON.stringify({ event: name, args }),
      encodeAckReply: () => undefined,
      encodeMessage: (data) => data,
    }),
  };
}
