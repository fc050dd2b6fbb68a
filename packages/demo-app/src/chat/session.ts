import type { Client } from '@unisocket/client';
import type { DemoConfig } from '../config.js';
import type { ChatMessage, MessageStatus, MessageStore } from './messages.js';
import type { ChatProtocol } from './modes.js';

/** A running chat: one client, one room, the page's messages. */
export interface ChatSession {
  readonly client: Client;
  readonly protocol: ChatProtocol;
  /** Shows `text` at once as the page's own message and sends it (queued while disconnected). */
  send(text: string): void;
  /** Closes the client and stops listening. */
  close(): void;
}

/** What a chat adapter needs from the page. */
export interface ChatContext {
  readonly config: DemoConfig;
  readonly store: MessageStore;
  /** The room's members (nicks), a count when the server gives only that, or undefined (no presence). */
  members(members: readonly string[] | number | undefined): void;
}

/** Adds a line such as "ada joined" to the message list. */
export function notice(store: MessageStore, text: string): void {
  store.add({ kind: 'notice', nick: '', text, at: Date.now(), own: false });
}

/** Adds the page's own message, `sending` when connected and `queued` otherwise (never after a final close: the composer is off then). */
export function addOwn(client: Client, context: ChatContext, text: string): ChatMessage {
  const status: MessageStatus = client.state.status === 'open' ? 'sending' : 'queued';
  return context.store.add({ kind: 'chat', nick: context.config.nick, text, at: Date.now(), own: true, status, wasQueued: status === 'queued' });
}

/** Once connected again, what waited in the outbox is on its way. */
export function markQueuedSending(store: MessageStore): void {
  for (const message of store.messages) if (message.status === 'queued') store.update(message, { status: 'sending' });
}

/** The connection was lost: messages still waiting for their ack wait in the outbox again. */
export function markSendingQueued(store: MessageStore): void {
  for (const message of store.messages) if (message.status === 'sending') store.update(message, { status: 'queued', wasQueued: true });
}

export const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));
