import type { DemoConfig, Tuning } from '../config.js';
import { createDemoClient } from './create-client.js';
import { startEventChat } from './event-chat.js';
import { startLineChat } from './line-chat.js';
import type { MessageStore } from './messages.js';
import { modeInfo } from './modes.js';
import type { ChatContext, ChatSession } from './session.js';

/** Connects with the transport `config` asks for and starts the chat that fits its protocol. */
export function startChat(config: DemoConfig, tuning: Tuning, store: MessageStore, members: ChatContext['members']): ChatSession {
  const client = createDemoClient(config, tuning);
  const context: ChatContext = { config, store, members };
  const { protocol } = modeInfo(config.transport);
  return protocol === 'raw' ? startLineChat(client, context, config.transport === 'cfml') : startEventChat(client, context, protocol);
}
