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
  {
    action: 'reset',
    label: 'Reset faults',
    hint: 'Every fault off. A page that fell back to SSE stays there until the client probes WebSocket again (Re-probe, in the connection panel).',
  },
];

/**
 * True when the server answers `GET /_control/faults` to this page: the harness started with
 * `--test-controls` and this page's origin among its `--control-origin`s.
 */
export async function faultControlsAvailable(server: string): Promise<boolean> {
  try {
    const response = await fetch(`${server}/_control/faults`, { cache: 'no-store' });
    return response.ok;
  } catch {
    return false;
  }
}

/** POSTs `body` (as JSON), answers the JSON answer; throws on an error status. */
async function post(url: string, body: unknown, contentType: 'application/json' | 'text/plain'): Promise<unknown> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': contentType }, body: JSON.stringify(body) });
  const answer: unknown = await response.json().catch(() => undefined);
  if (!response.ok) throw new Error(`HTTP ${response.status} ${JSON.stringify(answer)}`);
  return answer;
}

/**
 * A control: JSON, so the browser asks the harness first (a CORS preflight), which says yes only to
 * the demo page's origin (`--control-origin`, set by `pnpm demo`).
 */
const control = (server: string, action: string, params: Record<string, string> = {}) => post(`${server}/_control/${action}`, params, 'application/json');

export async function injectFault(server: string, fault: Fault): Promise<unknown> {
  const answer = await control(server, fault.action, fault.params);
  return fault.thenDrop ? control(server, 'drop') : answer;
}

/** An app's own upstream: `text/plain` JSON, a simple request (no preflight), as the client's SSE POSTs. */
const push = (url: string, body: unknown) => post(url, body, 'text/plain');

/**
 * Sends `text` from the server side, as a backend would: sendGatewayMessage for a Lucee gateway, a
 * POST to the CFML channel, `POST /rt/push` to the envelope room. Not for Socket.IO (no HTTP API).
 */
export function pushFromServer(config: DemoConfig, text: string): Promise<unknown> {
  const room = encodeURIComponent(config.room);
  switch (config.transport) {
    case 'gateway':
      return push(`${config.server}/gateways/${room}/messages`, { message: text });
    case 'cfml':
      return push(`${config.server}/sse/${room}`, { message: encodeLine('server', text) });
    case 'socketio':
      return Promise.reject(new Error('the Socket.IO server has no HTTP push API'));
    default:
      return push(`${config.server}/rt/push`, { name: 'chat', args: [{ text, nick: 'server' }], room: config.room });
  }
}
