import { resolveHarnessOptions } from './options.js';
import { startHarnessServer } from './server.js';
import type { HarnessOptions } from './context.js';
import type { Harness } from './server.js';

/**
 * Starts a harness (see README.md): by default on a free port of 127.0.0.1, without test controls.
 * Resolves once it listens; `close()` ends every connection.
 */
export function startHarness(options: Partial<HarnessOptions> = {}): Promise<Harness> {
  return startHarnessServer(resolveHarnessOptions(options));
}

export type { Harness } from './server.js';
export type { Faults, HarnessContext, HarnessModule, HarnessOptions, SseFaults, WebSocketBlockMode } from './context.js';
export { defaultFaults } from './context.js';
export { defaultHarnessOptions, resolveHarnessOptions } from './options.js';
export { DEFAULT_GATEWAYS, FRAGILE_TRIGGER } from './gateways/listeners.js';
export type { GatewayEvent, GatewayListener } from './gateways/listeners.js';
export type { GatewayState, GatewayStatus } from './gateways/gateway.js';
export { CONNECTION_ID_HEADER } from './gateways/gateway.js';
export { DEFAULT_SSE_EVENT, DEFAULT_SSE_RETRY_MS } from './plain-sse.js';
export { CHANNEL_LOG_LIMIT } from './sse-channel.js';
export { PRIVATE_NAMESPACE_TOKEN } from './socketio.js';
export type { SseEvent, SseStream } from './sse-stream.js';
export { openSseStream } from './sse-stream.js';
