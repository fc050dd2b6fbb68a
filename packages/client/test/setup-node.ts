// The tests run on Node's own WebSocket (vitest.config.ts passes --experimental-websocket to Node 20;
// Node 22 has it). A Node without one (older than 20.10) falls back to the `ws` package, so msw's
// ws.link(), which patches only an existing global, still has one (see TOOLCHAIN.md).
import { WebSocket as NodeWebSocket } from 'ws';

if (typeof globalThis.WebSocket === 'undefined') {
  (globalThis as { WebSocket?: unknown }).WebSocket = NodeWebSocket;
}
