import type { Client } from '@unisocket/client';
import { decodeLine, encodeLine } from './line-codec.js';
import type { ChatMessage } from './messages.js';
import { addOwn, errorText, markQueuedSending, notice, type ChatContext, type ChatSession } from './session.js';

/**
 * The chat over raw strings. `echoes: false` (Lucee gateway): the server relays a message to every
 * connection except the sender's, so the page's own message is only shown locally and is done once
 * the transport took it (`sent`). `echoes: true` (CFML SSE channel): the stream brings the message back
 * to its sender too, so it turns `delivered` then. No presence: these servers do not say who is there.
 */
export function startLineChat(client: Client, context: ChatContext, echoes: boolean): ChatSession {
  const { config, store } = context;
  /** Own messages the client's outbox still holds, oldest first: they are sent in this order. */
  const unsent: ChatMessage[] = [];
  /** Own messages not yet seen coming back on the stream (CFML only). */
  const awaitingEcho: ChatMessage[] = [];
  /** Counts `outbox` events: the client reports one only when what waits changes. */
  let outboxEvents = 0;
  const markSent = (message: ChatMessage) => {
    if (message.status !== 'delivered') store.update(message, { status: 'sent' });
  };

  const receive = (data: unknown) => {
    const { nick, text } = decodeLine(data);
    const index = echoes && nick === config.nick ? awaitingEcho.findIndex((message) => message.text === text) : -1;
    if (index >= 0) {
      const [mine] = awaitingEcho.splice(index, 1);
      store.update(mine!, { status: 'delivered', at: Date.now() });
      return;
    }
    store.add({ kind: 'chat', nick, text, at: Date.now(), own: false });
  };

  const unsubscribe = [
    client.on('message', receive),
    // CFML pages name their events (`event: cfmlMessage`): the raw protocol delivers them under that name.
    client.on('cfmlMessage', receive),
    client.lifecycle.on('outbox', ({ size }) => {
      outboxEvents += 1;
      // Raw messages leave the outbox in order once a transport takes them.
      while (unsent.length > size) markSent(unsent.shift()!);
    }),
    client.lifecycle.on('open', () => markQueuedSending(store)),
  ];
  context.members(undefined);
  notice(store, echoes ? `Listening to channel ${config.room} as ${config.nick}` : `Connected to gateway ${config.room} as ${config.nick}`);

  return {
    client,
    protocol: 'raw',
    send(text) {
      const message = addOwn(client, context, text);
      if (echoes) awaitingEcho.push(message);
      const seen = outboxEvents;
      try {
        client.send(encodeLine(config.nick, text));
      } catch (error) {
        store.update(message, { status: 'failed' });
        notice(store, `Not sent: ${errorText(error)}`);
        return;
      }
      // No outbox event during send(): the message did not have to wait, the transport took it at once.
      if (outboxEvents === seen) markSent(message);
      else unsent.push(message);
    },
    close() {
      unsubscribe.forEach((stop) => stop());
      client.close();
    },
  };
}
