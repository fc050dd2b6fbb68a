import { modeInfo, modes } from '../chat/modes.js';
import { cleanName, defaultRoom, isRoomName, type DemoConfig, type TransportMode } from '../config.js';
import { el, setText } from './dom.js';

export interface SettingsForm {
  readonly element: HTMLElement;
  set(config: DemoConfig): void;
}

/** Nickname, room and transport; applying them starts a new connection. */
export function createSettingsForm(onApply: (config: DemoConfig) => void): SettingsForm {
  let current: DemoConfig | undefined;
  const nick = el('input', { testid: 'settings-nick', attrs: { id: 'settings-nick', type: 'text', maxlength: '32', required: '', autocomplete: 'nickname' } });
  const room = el('input', { testid: 'settings-room', attrs: { id: 'settings-room', type: 'text', maxlength: '32', required: '', pattern: '[A-Za-z0-9_\\-]+' } });
  const roomLabel = el('label', { text: 'Room', attrs: { for: 'settings-room' } });
  const transport = el('select', { testid: 'settings-transport', attrs: { id: 'settings-transport' } });
  for (const mode of modes()) {
    transport.append(el('option', { text: mode.label, attrs: { value: mode.id } }));
  }
  const hint = el('p', { class: 'hint', testid: 'settings-hint', attrs: { id: 'transport-hint' } });
  transport.setAttribute('aria-describedby', 'transport-hint');
  const error = el('p', { class: 'form-error', attrs: { role: 'alert' } });

  const showMode = (id: TransportMode) => {
    const info = modeInfo(id);
    setText(hint, info.hint);
    setText(roomLabel, info.roomLabel);
  };
  transport.addEventListener('change', () => {
    const id = transport.value as TransportMode;
    showMode(id);
    // Gateway ids are fixed by the server; a chat room name rarely is one.
    if (current && (id === 'gateway') !== (current.transport === 'gateway')) room.value = defaultRoom(id);
  });

  const form = el('form', { class: 'settings-form', testid: 'settings' }, [
    el('div', { class: 'field' }, [el('label', { text: 'Nickname', attrs: { for: 'settings-nick' } }), nick]),
    el('div', { class: 'field' }, [roomLabel, room]),
    el('div', { class: 'field' }, [el('label', { text: 'Transport', attrs: { for: 'settings-transport' } }), transport, hint]),
    error,
    el('button', { class: 'button', text: 'Connect', testid: 'settings-apply', attrs: { type: 'submit' } }),
  ]);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const next = { server: current?.server ?? '', nodes: current?.nodes ?? [], transport: transport.value as TransportMode, room: cleanName(room.value), nick: cleanName(nick.value) };
    if (!next.nick || !isRoomName(next.room)) return setText(error, 'A nickname, and a room of letters, digits, - or _, please.');
    setText(error, '');
    onApply(next);
  });

  return {
    element: el('section', { class: 'card settings', attrs: { 'aria-labelledby': 'settings-title' } }, [
      el('h2', { text: 'Chat settings', attrs: { id: 'settings-title' } }),
      form,
    ]),
    set(config) {
      current = config;
      nick.value = config.nick;
      room.value = config.room;
      transport.value = config.transport;
      showMode(config.transport);
    },
  };
}
