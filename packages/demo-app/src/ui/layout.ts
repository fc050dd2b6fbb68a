import type { ConnectionState } from '@unisocket/client';
import type { MessageStore } from '../chat/messages.js';
import { modeInfo } from '../chat/modes.js';
import { countAttempts } from '../chat/outage.js';
import { startRttProbe } from '../chat/rtt.js';
import { errorText, notice, type ChatContext, type ChatSession } from '../chat/session.js';
import type { DemoConfig, Tuning } from '../config.js';
import { createComposer } from './composer.js';
import { createConnectionPanel } from './connection-panel.js';
import { el, setText } from './dom.js';
import { createEventLog } from './event-log.js';
import { createFaultPanel } from './fault-panel.js';
import { createMembersView } from './members-view.js';
import { createMessageView } from './message-view.js';
import { createSettingsForm } from './settings-form.js';

export interface Layout {
  readonly element: HTMLElement;
  readonly members: ChatContext['members'];
  /** Shows `config` in the titles and the forms. */
  show(config: DemoConfig): void;
  /** Follows a running chat until the returned function is called. */
  attach(session: ChatSession, config: DemoConfig, tuning: Tuning): () => void;
  /** The chat could not start. */
  fail(error: unknown): void;
}

const PILL_TEXT: Record<ConnectionState['status'], string> = {
  idle: 'Idle',
  connecting: 'Connecting…',
  open: 'Connected',
  reconnecting: 'Reconnecting…',
  suspended: 'Suspended (long outage)…',
  closed: 'Disconnected',
};

/**
 * The page: a header with the connection pill, the chat (messages and composer) in the middle, chat
 * settings and people on one side, the connection panel, faults and event log on the other. On a
 * narrow screen the same cards stack, chat first.
 */
export function createLayout(
  store: MessageStore,
  actions: { send(text: string): void; reconnect(): void; apply(config: DemoConfig): void },
): Layout {
  // The text in its own span: on a narrow screen it is cut with an ellipsis rather than past the edge.
  const pillText = el('span', { class: 'pill-text' });
  const pill = el('span', { class: 'pill', testid: 'status-pill', attrs: { role: 'status', 'aria-live': 'polite' } }, [pillText]);
  const title = el('h1', { class: 'room-title', testid: 'room-title', attrs: { id: 'room-title' } });
  const subtitle = el('p', { class: 'room-sub', testid: 'room-sub' });
  const composer = createComposer(actions);
  const panel = createConnectionPanel();
  const log = createEventLog();
  const faults = createFaultPanel();
  const people = createMembersView();
  const settings = createSettingsForm(actions.apply);
  let connection: ConnectionState = { status: 'idle' };

  const root = el('div', { class: 'app' }, [
    el('header', { class: 'topbar' }, [
      el('div', { class: 'brand' }, [el('span', { class: 'logo', text: '◎', attrs: { 'aria-hidden': 'true' } }), el('strong', { text: 'unisocket' }), el('span', { class: 'brand-sub', text: 'demo chat' })]),
      pill,
    ]),
    el('main', { class: 'layout' }, [
      el('section', { class: 'card chat', attrs: { 'aria-labelledby': 'room-title' } }, [
        el('header', { class: 'chat-head' }, [title, subtitle]),
        createMessageView(store),
        composer.element,
      ]),
      el('div', { class: 'side' }, [settings.element, people.element]),
      el('div', { class: 'ops' }, [panel.element, log.element, faults.element]),
    ]),
  ]);

  const queuedCount = () => store.messages.filter((message) => message.status === 'queued').length;
  const refreshComposer = () => composer.setConnection(connection, queuedCount());
  store.subscribe(refreshComposer);
  panel.onState((state, _outbox, attempt) => {
    connection = state;
    root.dataset.state = state.status;
    setText(
      pillText,
      state.status === 'open'
        ? `${PILL_TEXT.open} · ${state.transport}`
        : (state.status === 'reconnecting' || state.status === 'suspended') && attempt > 0
          ? `${state.status === 'suspended' ? 'Suspended' : 'Reconnecting'} · attempt ${attempt}`
          : PILL_TEXT[state.status],
    );
    pill.dataset.state = state.status;
    refreshComposer();
  });

  return {
    element: root,
    members: people.set,
    show(config) {
      const mode = modeInfo(config.transport);
      setText(title, config.transport === 'gateway' ? `gateway ${config.room}` : `#${config.room}`);
      setText(subtitle, `${mode.label} · you are ${config.nick}`);
      document.title = `${title.textContent} · unisocket demo`;
      settings.set(config);
      faults.set(config);
      people.set(mode.protocol === 'raw' ? undefined : []);
    },
    attach(session, config, tuning) {
      const { client, protocol } = session;
      // First, so the views read this outage's attempt when their own listeners run.
      const attempts = countAttempts(client);
      // `connect(url)` races WebSocket and SSE; on SSE it probes WebSocket again now and then.
      const reprobe = config.transport === 'auto' ? { better: 'websocket' as const, afterMs: tuning.reprobeAfterMs ?? 60_000 } : undefined;
      const stops = [attempts.stop, panel.attach(client, protocol, attempts, reprobe), log.attach(client, attempts)];
      if (protocol !== 'raw') stops.push(startRttProbe(client, tuning.rttIntervalMs, panel.setRtt));
      // Focus the message box on wide screens; on a phone that would pop the keyboard up at once.
      if (matchMedia('(min-width: 760px)').matches) composer.focus();
      return () => stops.forEach((stop) => stop());
    },
    fail(error) {
      notice(store, `Cannot start: ${errorText(error)}`);
      root.dataset.state = 'closed';
      setText(pillText, PILL_TEXT.closed);
    },
  };
}
