import * as unisocket from '@unisocket/client';
import type { TransportMode } from '../config.js';

/** How the chat is carried: envelope events, Socket.IO events, or plain strings. */
export type ChatProtocol = 'envelope' | 'socket.io' | 'raw';

export interface ModeInfo {
  id: TransportMode;
  label: string;
  /** One line shown under the picker. */
  hint: string;
  protocol: ChatProtocol;
  /** What the room field names in this mode. */
  roomLabel: string;
  /** False when this build of the client cannot do it (Socket.IO before it lands). */
  available: boolean;
}

/**
 * Socket.IO support is being added to the client: the option appears once `@unisocket/client`
 * exports its `socketio` endpoint builder. Looked up by name so this page builds either way.
 */
export function socketIoAvailable(): boolean {
  return typeof Reflect.get(unisocket, 'socketio') === 'function';
}

export function modes(): ModeInfo[] {
  return [
    { id: 'auto', label: 'Auto: WebSocket → SSE', hint: 'Envelope protocol over WebSocket; SSE + POST when WebSocket is blocked or hangs.', protocol: 'envelope', roomLabel: 'Room', available: true },
    { id: 'websocket', label: 'WebSocket only', hint: 'Envelope protocol over WebSocket, no fallback.', protocol: 'envelope', roomLabel: 'Room', available: true },
    { id: 'sse', label: 'SSE only', hint: 'Envelope protocol over Server-Sent Events down, HTTP POST up.', protocol: 'envelope', roomLabel: 'Room', available: true },
    {
      id: 'socketio',
      label: socketIoAvailable() ? 'Socket.IO' : 'Socket.IO (not in this client build yet)',
      hint: 'The real socket.io server (Engine.IO v4), namespace /.',
      protocol: 'socket.io',
      roomLabel: 'Room',
      available: socketIoAvailable(),
    },
    { id: 'gateway', label: 'Lucee gateway (raw)', hint: 'Plain strings relayed to every other connection; the gateway id is the room (chat, shout, whisper).', protocol: 'raw', roomLabel: 'Gateway id', available: true },
    { id: 'cfml', label: 'CFML-style SSE (raw)', hint: 'A text/event-stream page that ends every few seconds, POST to send; the channel is the room.', protocol: 'raw', roomLabel: 'Channel', available: true },
  ];
}

export function modeInfo(id: TransportMode): ModeInfo {
  return modes().find((mode) => mode.id === id) ?? modes()[0]!;
}
