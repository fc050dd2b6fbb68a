import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { rejectUpgrade } from '@unisocket/server';
import type { HarnessContext } from './context.js';

export { rejectUpgrade };

const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
/**
 * Applies the `block-websocket` fault to an upgrade before any module sees it.
 * Answers true when the fault consumed the upgrade (refused, hung, or faked), false when the
 * upgrade should be routed as usual (`off`, and `accept-then-kill`, which only arms a timer).
 */
export function applyUpgradeFault(ctx: HarnessContext, req: IncomingMessage, socket: Duplex): boolean {
  const { blockWebSocket: mode, blockWebSocketAfterMs } = ctx.faults;
  const path = req.url ?? '/';
  switch (mode) {
    case 'off':
      return false;
    case 'refuse':
      ctx.log(`fault block-websocket=refuse: 403 for the upgrade to ${path}`);
      rejectUpgrade(socket, 403, 'websocket-blocked', 'WebSocket upgrades are blocked (fault block-websocket=refuse)');
      return true;
    case 'hang':
      ctx.log(`fault block-websocket=hang: leaving the upgrade to ${path} unanswered`);
      return true;
    case 'accept-silent':
      ctx.log(`fault block-websocket=accept-silent: accepting ${path}, then silence`);
      acceptSilently(req, socket);
      return true;
    case 'accept-then-kill': {
      ctx.log(`fault block-websocket=accept-then-kill: ${path} dies after ${blockWebSocketAfterMs} ms`);
      const timer = setTimeout(() => socket.destroy(), blockWebSocketAfterMs);
      socket.once('close', () => clearTimeout(timer));
      return false;
    }
  }
}

/**
 * Completes the WebSocket handshake without any server behind it (as a proxy that accepted the
 * upgrade and then forwards nothing), so the client sees `open` and then nothing either way.
 */
function acceptSilently(req: IncomingMessage, socket: Duplex): void {
  const key = req.headers['sec-websocket-key'];
  if (typeof key !== 'string' || key === '') {
    rejectUpgrade(socket, 400, 'bad-upgrade', 'missing Sec-WebSocket-Key');
    return;
  }
  const accept = createHash('sha1').update(key + WEBSOCKET_GUID).digest('base64');
  // A client that asked for subprotocols fails a handshake that picks none: pick its first.
  const protocol = String(req.headers['sec-websocket-protocol'] ?? '').split(',')[0]?.trim();
  socket.write(
    'HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\n' +
      `sec-websocket-accept: ${accept}\r\n` +
      (protocol ? `sec-websocket-protocol: ${protocol}\r\n` : '') +
      '\r\n',
  );
  socket.pause();
}
