import type { ChatMessage, MessageStatus, MessageStore } from '../chat/messages.js';
import { clockTime, el, setText } from './dom.js';

const STATUS_TEXT: Record<MessageStatus, string> = {
  queued: 'queued',
  sending: 'sending…',
  sent: 'sent ✓',
  delivered: 'delivered ✓✓',
  failed: 'not sent ⚠',
};

/** A stable colour per nickname, so a conversation is easy to follow. */
function hue(nick: string): number {
  let hash = 0;
  for (const char of nick) hash = (hash * 31 + char.charCodeAt(0)) % 360;
  return hash;
}

function renderChat(message: ChatMessage): HTMLLIElement {
  const item = el('li', { class: `msg ${message.own ? 'own' : 'other'}`, testid: 'message' });
  item.dataset.own = String(message.own);
  item.style.setProperty('--hue', String(hue(message.nick)));
  item.append(
    el('div', { class: 'msg-meta' }, [
      el('span', { class: 'msg-nick', text: message.nick, testid: 'message-nick' }),
      el('time', { class: 'msg-time', testid: 'message-time' }),
    ]),
    // textContent only: a message is text, whatever it looks like.
    el('p', { class: 'msg-text', text: message.text, testid: 'message-text' }),
  );
  if (message.own) item.append(el('span', { class: 'msg-status', testid: 'message-status' }));
  return item;
}

function update(item: HTMLLIElement, message: ChatMessage): void {
  const time = item.querySelector('time');
  if (time) {
    setText(time, clockTime(message.at));
    time.dateTime = new Date(message.at).toISOString();
  }
  if (message.status) {
    item.dataset.status = message.status;
    const status = item.querySelector('.msg-status');
    // A message that waited in the outbox says so once it went out (sent or delivered), not when it failed.
    const waited = message.wasQueued && (message.status === 'sent' || message.status === 'delivered') ? ' · waited offline' : '';
    if (status) setText(status, STATUS_TEXT[message.status] + waited);
  }
  if (message.wasQueued) item.dataset.wasQueued = 'true';
}

/** The message list: a live log that follows new messages unless the reader scrolled up. */
export function createMessageView(store: MessageStore): HTMLOListElement {
  const list = el('ol', { class: 'messages', testid: 'messages', attrs: { role: 'log', 'aria-live': 'polite', 'aria-label': 'Messages', tabindex: '0' } });
  const items = new Map<number, HTMLLIElement>();
  const empty = el('li', { class: 'empty', text: 'No messages yet. Say hello!', testid: 'messages-empty' });
  list.append(empty);

  store.subscribe((change) => {
    if (change.type === 'cleared') {
      items.clear();
      list.replaceChildren(empty);
      return;
    }
    const { message } = change;
    const nearBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
    let item = items.get(message.id);
    if (!item) {
      empty.remove();
      item = message.kind === 'notice' ? el('li', { class: 'notice', text: message.text, testid: 'notice' }) : renderChat(message);
      items.set(message.id, item);
      list.append(item);
      // Keep the DOM as small as the store.
      for (const [id, old] of items) {
        if (store.messages.some((kept) => kept.id === id)) break;
        old.remove();
        items.delete(id);
      }
    }
    if (message.kind === 'chat') update(item, message);
    if (nearBottom || message.own) list.scrollTop = list.scrollHeight;
  });
  return list;
}
