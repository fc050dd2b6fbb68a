import type { Client } from '@unisocket/client';
import { reasonText, type AttemptCounter } from '../chat/outage.js';
import { clockTime, el } from './dom.js';

export interface EventLog {
  readonly element: HTMLElement;
  attach(client: Client, attempts: AttemptCounter): () => void;
}

const LIMIT = 60;

/**
 * The lifecycle channel as a readable list, newest first: one line per thing that happened. While
 * reconnecting, the endpoints that failed in a round (each a `fallback` event) are folded into that
 * round's retry line instead of a line each; a failure while the browser is offline reads "offline".
 */
export function createEventLog(): EventLog {
  const list = el('ol', { class: 'event-log', testid: 'event-log', attrs: { 'aria-label': 'Connection events' } });
  const add = (kind: string, text: string) => {
    const at = Date.now();
    const item = el('li', { class: `event event-${kind}`, testid: 'event' }, [
      // The exact instant in `datetime`: tests time what the page saw, not when they looked.
      el('time', { text: clockTime(at), attrs: { datetime: new Date(at).toISOString() } }),
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
    attach(client, attempts) {
      list.replaceChildren();
      const { lifecycle } = client;
      /**
       * The running round's fallbacks, while reconnecting: a round that fails is one line (its retry,
       * naming what each endpoint did); one that succeeds on a later endpoint shows its fallbacks
       * before the `open`, since they decided the carrier.
       */
      let round: { from: string; to: string; reason: string }[] = [];
      const kind = (label: string) => label.split(' ')[0] ?? label;
      const why = (reason: string) => (reason === 'fallback-delay' ? 'no answer yet' : reasonText(reason));
      /** The failed round's endpoints with their reasons, or just the reason with one endpoint. */
      const failures = (reason: string) => {
        const last = round.at(-1);
        const text = last ? [...round.map(({ from, reason: failed }) => `${kind(from)} ${why(failed)}`), `${kind(last.to)} ${reasonText(reason)}`].join(', ') : reasonText(reason);
        round = [];
        return text;
      };
      let tookOver = false;
      const unsubscribe = [
        // `open`, `reconnecting` and `close` say more about those states than the state change itself.
        lifecycle.on('state', ({ to, reason }) => to.status === 'connecting' && add('state', `connecting (${reason})`)),
        // Resumed without a lost connection: the session moved to another carrier in place (Socket.IO's upgrade).
        lifecycle.on('open', ({ endpoint, transport, resumed, recovered }) => {
          // The re-probe's take-over was said by its `fallback` line, which comes first.
          if (tookOver) return void (tookOver = false);
          for (const { from, to, reason } of round.splice(0)) add('fallback', `${from} → ${to} (${reasonText(reason)})`);
          add(
            'open',
            resumed && !recovered
              ? `${endpoint}: same session, now over ${transport}`
              : `${endpoint}${resumed ? ', session resumed' : ''}${recovered ? ', recovered' : ''}`,
          );
        }),
        lifecycle.on('fallback', ({ from, to, reason }) => {
          if (client.state.status === 'reconnecting') round.push({ from, to, reason });
          else if (reason === 'upgrade') {
            tookOver = true;
            add('fallback', `${to} took over from ${from}, same session (re-probe)`);
          } else add('fallback', `${from} → ${to} (${reasonText(reason)})`);
        }),
        lifecycle.on('reconnecting', ({ delayMs, reason }) =>
          add('reconnecting', `attempt ${attempts.attempt} in ${Math.round(delayMs)} ms (${failures(reason)})`),
        ),
        lifecycle.on('close', ({ reason, terminal }) => add('close', `${reasonText(reason)}${terminal ? ', for good' : ''}`)),
        lifecycle.on('error', ({ error }) => add('error', `${error.code}: ${error.message}`)),
        lifecycle.on('gap', () => add('gap', 'the server could not resume the session: messages may be missing')),
      ];
      return () => unsubscribe.forEach((stop) => stop());
    },
  };
}
