import './style.css';
import { startChat } from './chat/start-chat.js';
import { createMessageStore } from './chat/messages.js';
import type { ChatSession } from './chat/session.js';
import { configUrl, readConfig, type DemoConfig } from './config.js';
import { createLayout } from './ui/layout.js';

const { config: initial, tuning } = readConfig(location.search, location);
const store = createMessageStore();
const layout = createLayout(store, {
  send: (text) => session?.send(text),
  reconnect: () => session?.client.connect(),
  apply: (config) => start(config),
});
document.querySelector('#app')!.replaceChildren(layout.element);

let session: ChatSession | undefined;
let detach: (() => void) | undefined;

/** (Re)starts the chat with `config`: closes the previous client, clears the list, connects. */
function start(config: DemoConfig): void {
  detach?.();
  session?.close();
  store.clear();
  history.replaceState(null, '', configUrl(config, location.href));
  layout.show(config);
  try {
    session = startChat(config, tuning, store, layout.members);
    detach = layout.attach(session, config, tuning);
  } catch (error) {
    session = undefined;
    detach = undefined;
    layout.fail(error);
  }
}

start(initial);
