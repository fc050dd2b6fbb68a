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
}

export function modes(): ModeInfo[] {
  return [
    { id: 'auto', label: 'Auto: WebSocket → SSE', hint: 'Envelope protocol over WebSocket; SSE + POST when WebSocket is blocked or hangs.', protocol: 'envelope', roomLabel: 'Room' },
    { id: 'websocket', label: 'WebSocket only', hint: 'Envelope protocol over WebSocket, no fallback.', protocol: 'envelope', roomLabel: 'Room' },
    { id: 'sse', label: 'SSE only', hint: 'Envelope protocol over Server-Sent Events down, HTTP POST up.', protocol: 'envelope', roomLabel: 'Room' },
    // Loaded on demand: the Socket.IO code is its own chunk, fetched on the first Socket.IO connect.
    { id: 'socketio', label: 'Socket.IO', hint: 'The real socket.io server (Engine.IO v4), namespace /: long-polling, upgraded to WebSocket in place.', protocol: 'socket.io', roomLabel: 'Room' },
    { id: 'gateway', label: 'Lucee gateway (raw)', hint: 'Plain strings relayed to every other connection; the gateway id is the room (chat, shout, whisper).', protocol: 'raw', roomLabel: 'Gateway id' },
    { id: 'cfml', label: 'CFML-style SSE (raw)', hint: 'A text/event-stream page that ends every few seconds, POST to send; the channel is the room.', protocol: 'raw', roomLabel: 'Channel' },
  ];
}

export function modeInfo(id: TransportMode): ModeInfo {
  return modes().find((mode) => mode.id === id) ?? modes()[0]!;
}
