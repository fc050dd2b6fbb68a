import type { DemoConfig } from '../config.js';
import { encodeLine } from './line-codec.js';

/** A fault the harness can inject (`POST /_control/{action}`, only with `--test-controls`). */
export interface Fault {
  action: string;
  params?: Record<string, string>;
  label: string;
  /** What a person should watch for, shown as the button's description. */
  hint: string;
  /** Drop every connection afterwards, so the fault meets the next connection at once. */
  thenDrop?: boolean;
}

export const FAULTS: readonly Fault[] = [
  { action: 'drop', label: 'Drop connections', hint: 'Every TCP connection is destroyed: watch the client reconnect and resume.' },
  { action: 'block-websocket', params: { mode: 'refuse' }, label: 'Refuse WebSocket', hint: 'Upgrades answer 403 and connections drop: auto mode falls back to SSE at once.', thenDrop: true },
  { action: 'block-websocket', params: { mode: 'hang' }, label: 'Hang WebSocket', hint: 'Upgrades never answer and connections drop: auto mode starts SSE after the fallback delay.', thenDrop: true },
  { action: 'blackhole', label: 'Black-hole', hint: 'Connections go silent without closing: the heartbeat deadline catches it.' },
  { action: 'restart', params: { downMs: '3000' }, label: 'Restart server', hint: 'The server is down for 3 s: type messages meanwhile and watch them queue.' },
  { action: 'reset', label: 'Reset faults', hint: 'Every fault off.' },
];

/** True when the server answers `GET /_control/faults` (the harness started with `--test-controls`). */
export async function faultControlsAvailable(server: string): Promise<boolean> {
  try {
    const response = await fetch(`${server}/_control/faults`, { cache: 'no-store' });
    return response.ok;
  } catch {
    return false;
  }
}

async function post(url: string, body?: unknown): Promise<unknown> {
  // text/plain keeps it a simple request (no CORS preflight); the harness reads it as JSON.
  const response = await fetch(url, body === undefined ? { method: 'POST' } : { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify(body) });
  const answer: unknown = await response.json().catch(() => undefined);
  if (!response.ok) throw new Error(`HTTP ${response.status} ${JSON.stringify(answer)}`);
  return answer;
}

export async function injectFault(server: string, fault: Fault): Promise<unknown> {
  const query = new URLSearchParams(fault.params).toString();
  const answer = await post(`${server}/_control/${fault.action}${query ? `?${query}` : ''}`);
  return fault.thenDrop ? post(`${server}/_control/drop`) : answer;
}

/**
 * Sends `text` from the server side, as a backend would: sendGatewayMessage for a Lucee gateway, a
 * POST to the CFML channel, `POST /rt/push` to the envelope room. Not for Socket.IO (no HTTP API).
 */
export function pushFromServer(config: DemoConfig, text: string): Promise<unknown> {
  const room = encodeURIComponent(config.room);
  switch (config.transport) {
    case 'gateway':
      return post(`${config.server}/gateways/${room}/messages`, { message: text });
    case 'cfml':
      return post(`${config.server}/sse/${room}`, { message: encodeLine('server', text) });
    case 'socketio':
      return Promise.reject(new Error('the Socket.IO server has no HTTP push API'));
    default:
      return post(`${config.server}/rt/push`, { name: 'chat', args: [{ text, nick: 'server' }], room: config.room });
  }
}
