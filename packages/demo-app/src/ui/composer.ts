import type { ConnectionState } from '@unisocket/client';
import { el, setText } from './dom.js';

export interface Composer {
  readonly element: HTMLElement;
  /** The connection state, and how many of the page's messages wait in the outbox. */
  setConnection(state: ConnectionState, queued: number): void;
  focus(): void;
}

/**
 * The message box. It stays usable while disconnected: what is typed then waits in the client's
 * outbox, and a banner says so until the connection is back and the messages went out. Once the
 * client gave up (closed), nothing can be sent: the box is off, and the banner says why and offers
 * to connect again.
 */
export function createComposer(actions: { send(text: string): void; reconnect(): void }): Composer {
  const input = el('input', {
    class: 'composer-input',
    testid: 'composer-input',
    attrs: { id: 'composer-input', type: 'text', autocomplete: 'off', maxlength: '500', placeholder: 'Write a message…', enterkeyhint: 'send' },
  });
  const button = el('button', { class: 'button primary', text: 'Send', testid: 'composer-send', attrs: { type: 'submit' } });
  const bannerText = el('span');
  const reconnect = el('button', { class: 'button small', text: 'Connect again', testid: 'reconnect', attrs: { type: 'button' } });
  reconnect.addEventListener('click', () => actions.reconnect());
  const banner = el('div', { class: 'offline-banner', testid: 'offline-banner', attrs: { role: 'status', hidden: '' } }, [bannerText, reconnect]);
  const form = el('form', { class: 'composer', attrs: { 'aria-label': 'Send a message' } }, [
    el('label', { class: 'sr-only', text: 'Message', attrs: { for: 'composer-input' } }),
    input,
    button,
  ]);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text || input.disabled) return;
    actions.send(text);
    input.value = '';
    input.focus();
  });
  return {
    element: el('div', { class: 'composer-wrap' }, [banner, form]),
    setConnection(state, queued) {
      const closed = state.status === 'closed';
      banner.hidden = state.status === 'open';
      banner.dataset.state = state.status;
      reconnect.hidden = !closed;
      // Typed text stays in the box while closed: it can be sent after "Connect again".
      input.disabled = button.disabled = closed;
      input.placeholder = closed ? 'Disconnected: connect again to write' : 'Write a message…';
      const count = queued === 1 ? '1 message waits' : `${queued} messages wait`;
      setText(
        bannerText,
        state.status === 'closed'
          ? `Disconnected for good (${state.reason}): nothing can be sent until you connect again.`
          : queued
            ? `Offline: ${count} in the outbox and will be sent when the connection is back.`
            : 'Offline: what you send now waits in the outbox and goes out when the connection is back.',
      );
    },
    focus: () => input.focus(),
  };
}
