// The complete public API of @unisocket/server.

export { Server } from './server.js';
export { fastifyPlugin, type FastifyLike, type FastifyPlugin } from './integrations/fastify.js';
export type { ServerOptions } from './options.js';
export type { ServerLifecycle } from './engine.js';
export type { Socket, SocketLifecycle, AckEmitter, DisconnectReason } from './session/socket.js';
export { DEFAULT_ACK_TIMEOUT_MS } from './session/socket.js';
export { BroadcastOperator } from './broadcast.js';
export { AuthError, EventError } from './errors.js';
export type { AckResult, DefaultEvents, EventArgs, EventHandler, EventNames, EventsMap } from './events.js';
export type { CorsOptions } from './http/cors.js';
export type { SseEvent, SseStream } from './carriers/sse-stream.js';
export { PROTOCOL_VERSION } from './protocol/frames.js';
export { rejectUpgrade } from './carriers/websocket.js';

// Adapters
export { memoryAdapter, MemoryAdapter, MemoryStore, type MemoryAdapterOptions } from './adapters/memory.js';
export type {
  Adapter,
  AdapterNode,
  BroadcastTarget,
  FrameTail,
  MaybePromise,
  NewSession,
  ReleaseReason,
  ResumedSession,
  SessionInfo,
  SessionLimits,
} from './adapters/adapter.js';
export { hashSecret } from './session/token.js';
