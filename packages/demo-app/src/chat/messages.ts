/**
 * What happened to a message this page sent:
 * `queued` (waiting in the client's outbox while disconnected) → `sending` (handed to the transport)
 * → `sent` (the server acknowledged it, or the raw transport took it) → `delivered` (it came back
 * through the room's broadcast); `failed` when the client gave up on it.
 */
export type MessageStatus = 'queued' | 'sending' | 'sent' | 'delivered' | 'failed';

export interface ChatMessage {
  readonly id: number;
  readonly kind: 'chat' | 'notice';
  /** Who wrote it; `server` for messages pushed from the server's HTTP API. */
  nick: string;
  text: string;
  /** When it was written or received, ms since the epoch. */
  at: number;
  readonly own: boolean;
  /** Only for the page's own messages. */
  status?: MessageStatus;
  /** Written while disconnected: it waited in the outbox before it went out. */
  wasQueued?: boolean;
}

export type MessageChange = { type: 'added' | 'updated'; message: ChatMessage } | { type: 'cleared' };

/** The page's message list: the chat adapters write to it, the message view renders its changes. */
export interface MessageStore {
  readonly messages: readonly ChatMessage[];
  add(message: Omit<ChatMessage, 'id'>): ChatMessage;
  /** Changes a message and tells the listeners (no-op when nothing changed). */
  update(message: ChatMessage, patch: Partial<Pick<ChatMessage, 'status' | 'at' | 'wasQueued'>>): void;
  clear(): void;
  subscribe(listener: (change: MessageChange) => void): () => void;
}

/** Messages kept; older ones scroll out of memory (a demo, not an archive). */
const LIMIT = 500;

export function createMessageStore(): MessageStore {
  let messages: ChatMessage[] = [];
  let lastId = 0;
  const listeners = new Set<(change: MessageChange) => void>();
  const notify = (change: MessageChange) => listeners.forEach((listener) => listener(change));
  return {
    get messages() {
      return messages;
    },
    add(fields) {
      const message: ChatMessage = { ...fields, id: ++lastId };
      messages.push(message);
      if (messages.length > LIMIT) messages = messages.slice(-LIMIT);
      notify({ type: 'added', message });
      return message;
    },
    update(message, patch) {
      const changed = (Object.keys(patch) as (keyof typeof patch)[]).some((key) => message[key] !== patch[key]);
      if (!changed) return;
      Object.assign(message, patch);
      notify({ type: 'updated', message });
    },
    clear() {
      messages = [];
      notify({ type: 'cleared' });
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}
