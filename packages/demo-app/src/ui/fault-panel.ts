import { errorText } from '../chat/session.js';
import { FAULTS, faultControlsAvailable, injectFault, pushFromServer } from '../chat/faults.js';
import type { DemoConfig } from '../config.js';
import { el, setText } from './dom.js';

export interface FaultPanel {
  readonly element: HTMLElement;
  /** Shows the panel when `config.server` has fault controls (the harness with `--test-controls`). */
  set(config: DemoConfig): void;
}

/** Buttons that break the network on purpose (through the harness), and a push from the server side. */
export function createFaultPanel(): FaultPanel {
  let config: DemoConfig | undefined;
  const result = el('p', { class: 'hint', testid: 'fault-result', attrs: { role: 'status' } });
  const run = async (label: string, action: () => Promise<unknown>, hint = '') => {
    setText(result, `${label}…`);
    try {
      await action();
      setText(result, `${label}: done. ${hint}`);
    } catch (error) {
      setText(result, `${label} failed: ${errorText(error)}`);
    }
  };

  const buttons = el('ul', { class: 'fault-list' });
  for (const fault of FAULTS) {
    const button = el('button', { class: `button small${fault.action === 'reset' ? ' quiet' : ''}`, text: fault.label, attrs: { type: 'button' } });
    button.addEventListener('click', () => config && void run(fault.label, () => injectFault(config!.server, fault), fault.hint));
    buttons.append(el('li', {}, [button]));
  }

  const pushText = el('input', { attrs: { id: 'push-text', type: 'text', maxlength: '200', value: 'Hello from the server' } });
  const push = el('form', { class: 'push-form' }, [
    el('label', { text: 'Push from the server (HTTP API)', attrs: { for: 'push-text' } }),
    el('div', { class: 'inline' }, [pushText, el('button', { class: 'button small', text: 'Push', attrs: { type: 'submit' } })]),
  ]);
  push.addEventListener('submit', (event) => {
    event.preventDefault();
    if (config && pushText.value.trim()) void run('Push', () => pushFromServer(config!, pushText.value.trim()));
  });

  const element = el('section', { class: 'card faults', testid: 'faults', attrs: { 'aria-labelledby': 'faults-title', hidden: '' } }, [
    el('h2', { text: 'Break things', attrs: { id: 'faults-title' } }),
    el('p', { class: 'hint', text: 'Faults the harness injects into the network. Watch the connection panel and the event log.' }),
    result,
    buttons,
    push,
  ]);
  return {
    element,
    set(next) {
      config = next;
      push.hidden = next.transport === 'socketio';
      void faultControlsAvailable(next.server).then((available) => {
        element.hidden = !available;
      });
    },
  };
}
