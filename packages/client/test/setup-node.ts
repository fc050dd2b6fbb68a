// Node 20 has no global WebSocket; msw's ws.link() and our transports need one (see TOOLCHAIN.md).
import { WebSocket as NodeWebSocket } from 'ws';

if (typeof globalThis.WebSocket === 'undefined') {
  (globalThis as { WebSocket?: unknown }).WebSocket = NodeWebSocket;
}
