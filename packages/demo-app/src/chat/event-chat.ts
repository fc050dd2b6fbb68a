import type { Client } from '@unisocket/client';
import type { ChatMessage } from './messages.js';
import { addOwn, errorText, markQueuedSending, markSendingQueued, notice, type ChatContext, type ChatSession } from './session.js';

/** A `chat` broadcast: the sender's payload plus what the server adds (`from`, `room`, `at`). */
interface ChatPayload {
  text: string;
  nick?: unknown;
  mid?: unknown;
  from?: unknown;
  at?: unknown;
}

interface Presence {
  nick?: unknown;
  joined?: unknown;
  members?: unknown;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;
const isChat = (value: unknown): value is ChatPayload => isRecord(value) && typeof value['text'] === 'string';
const isStrings = (value: unknown): value is string[] => Array.isArray(value) && value.every((item) => typeof item === 'string');

/**
 * The chat over named events, the same for the envelope protocol (the harness's `/rt` chat app) and
 * Socket.IO (the harness's socket.io chat): `join` with an ack, `chat` broadcast to the room with the
 * sender included, `presence` (envelope only). Each message carries an id (`mid`), so the page knows
 * its own message when the broadcast brings it back: that is when it turns `delivered`.
 */
export function startEventChat(client: Client, context: ChatContext, protocol: 'envelope' | 'socket.io'): ChatSession {
  const { config, store } = context;
  const own = new Map<string, ChatMessage>();
  const prefix = `${config.nick}-${Date.now().toString(36)}`;
  let counter = 0;
  let closed = false;
  let opened = false;
  // Presence events seen so far. A join's ack is settled a microtask after its frame was read, so a
  // presence that came right behind it in the same network chunk has already been shown: the ack's
  // member list is then older than the one on screen and must not replace it.
  let presenceCount = 0;

  /**
   * `join` with an ack that lists the members. `first`: at start; `rejoin`: a new session on the
   * server (it forgot our room); `refresh`: the same session resumed, joined again only to refresh
   * the member list (joining the room one is in changes nothing on either server), silently.
   */
  const join = (why: 'first' | 'rejoin' | 'refresh') => {
    // Socket.IO's chat has no nicknames: the nick travels in each message instead.
    const args = protocol === 'envelope' ? [config.room, config.nick] : [config.room];
    const presenceBefore = presenceCount;
    client
      .timeout(Infinity)
      .emitWithAck('join', ...args)
      .then((answer: unknown) => {
        if (!isRecord(answer)) return;
        const { members } = answer;
        const newer = presenceCount !== presenceBefore;
        if (!newer && (isStrings(members) || typeof members === 'number')) context.members(members);
        if (why !== 'refresh') notice(store, `${why === 'rejoin' ? 'Rejoined' : 'You joined'} #${config.room} as ${config.nick}`);
      })
      .catch((error: unknown) => closed || notice(store, `Could not join #${config.room}: ${errorText(error)}`));
  };

  const unsubscribe = [
    client.on('chat', (payload: unknown) => {
      if (!isChat(payload)) return;
      const mine = typeof payload.mid === 'string' ? own.get(payload.mid) : undefined;
      const at = typeof payload.at === 'number' ? payload.at : Date.now();
      if (mine && mine.status !== 'delivered') return store.update(mine, { status: 'delivered', at });
      // Anything else is shown as it came, a second copy of a message included: duplicates must be visible.
      const nick = typeof payload.nick === 'string' ? payload.nick : typeof payload.from === 'string' ? payload.from : 'server';
      store.add({ kind: 'chat', nick, text: payload.text, at, own: mine !== undefined, ...(mine && { status: 'delivered' as const }) });
    }),
    client.on('presence', (event: Presence) => {
      presenceCount++;
      if (isStrings(event.members)) context.members(event.members);
      if (typeof event.nick === 'string' && event.nick !== config.nick) notice(store, `${event.nick} ${event.joined ? 'joined' : 'left'}`);
    }),
    client.lifecycle.on('open', ({ resumed, recovered }) => {
      markQueuedSending(store);
      // A new session on the server (it could not resume ours, or the client was closed and connected
      // again) has forgotten our room. A resumed one after an outage rejoins only to refresh the
      // members: who came and went meanwhile (Socket.IO tells no presence at all, only the join's count).
      // The first open sends the join queued at start; a carrier switch in place changes nothing.
      if (opened && !resumed) join('rejoin');
      else if (opened && recovered) join('refresh');
      opened = true;
    }),
    // Lost: what was sent but not acknowledged waits in the outbox again, to be sent after reconnecting.
    client.lifecycle.on('close', ({ terminal }) => terminal || markSendingQueued(store)),
  ];
  join('first');

  return {
    client,
    protocol,
    send(text) {
      const message = addOwn(client, context, text);
      const mid = `${prefix}-${++counter}`;
      own.set(mid, message);
      // No ack deadline: a message typed offline waits in the outbox for as long as it takes.
      client
        .timeout(Infinity)
        .emitWithAck('chat', { text, nick: config.nick, mid })
        .then(
          () => message.status === 'delivered' || store.update(message, { status: 'sent' }),
          (error: unknown) => {
            store.update(message, { status: 'failed' });
            if (!closed) notice(store, `Not sent: ${errorText(error)}`);
          },
        );
    },
    close() {
      closed = true;
      unsubscribe.forEach((stop) => stop());
      client.close();
    },
  };
}
