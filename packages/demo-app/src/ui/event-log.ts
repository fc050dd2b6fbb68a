import type { Client } from '@unisocket/client';
import { clockTime, el } from './dom.js';

export interface EventLog {
  readonly element: HTMLElement;
  attach(client: Client): () => void;
}

const LIMIT = 60;

/** The lifecycle channel as a readable list, newest first: fallbacks, reconnects, errors. */
export function createEventLog(): EventLog {
  const list = el('ol', { class: 'event-log', testid: 'event-log', attrs: { 'aria-label': 'Connection events' } });
  const add = (kind: string, text: string) => {
    const item = el('li', { class: `event event-${kind}`, testid: 'event' }, [
      el('time', { text: clockTime(Date.now()) }),
      el('span', { class: 'event-kind', text: kind }),
      el('span', { class: 'event-text', text }),
    ]);
    item.dataset.kind = kind;
    list.prepend(item);
    while (list.children.length > LIMIT) list.lastElementChild?.remove();
  };
  const element = el('section', { class: 'card log', attrs: { 'aria-labelledby': 'log-title' } }, [
    el('details', { attrs: { open: '' } }, [el('summary', {}, [el('h2', { text: 'Event log', attrs: { id: 'log-title' } })]), list]),
  ]);
  return {
    element,
    attach(client) {
      list.replaceChildren();
      const { lifecycle } = client;
      const unsubscribe = [
        lifecycle.on('state', ({ to, reason }) => add('state', `${to.status} (${reason})`)),
        // Resumed without a lost connection: the session moved to another carrier in place (Socket.IO's upgrade).
        lifecycle.on('open', ({ endpoint, transport, resumed, recovered }) =>
          add('open', resumed && !recovered ? `${endpoint}: same session, now over ${transport}` : `${endpoint}${resumed ? ', session resumed' : ''}${recovered ? ', recovered' : ''}`),
        ),
        lifecycle.on('fallback', ({ from, to, reason }) => add('fallback', `${from} → ${to} (${reason})`)),
        lifecycle.on('reconnecting', ({ attempt, delayMs, reason }) => add('reconnecting', `attempt ${attempt} in ${Math.round(delayMs)} ms (${reason})`)),
        lifecycle.on('close', ({ reason, terminal }) => add('close', `${reason}${terminal ? ', for good' : ''}`)),
        lifecycle.on('error', ({ error }) => add('error', `${error.code}: ${error.message}`)),
        lifecycle.on('gap', () => add('gap', 'the server could not resume the session: messages may be missing')),
      ];
      return () => unsubscribe.forEach((stop) => stop());
    },
  };
}
