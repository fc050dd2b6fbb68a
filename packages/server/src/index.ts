// The complete public API of @unisocket/server.

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
