// The complete public API of @unisocket/client. Side-effect free: importing does nothing.

export { connect, type ConnectOptions } from './connect.js';
export { createClient, type Client } from './core/client.js';
export type { ScopedEmitter } from './core/scoped-emitter.js';
export type { AddAnyListener, AnyEventListener, DefaultEvents, Listener, EventNames, EventsMap, RawData, SendData } from './core/events.js';

// Endpoints and protocols
export { websocket, type WebSocketEndpointOptions } from './transports/websocket.js';
export { sse, type SseEndpointOptions } from './transports/sse.js';
export { socketio } from './socketio/endpoint.js';
export type { SocketIoEndpointOptions, SocketIoTransport } from './socketio/options.js';
export { connectSocketIo, type SocketIoConnectOptions } from './socketio/connect.js';
export { socketIoManager, type SocketIoManager, type SocketIoManagerOptions, type SocketIoSocketOptions } from './socketio/manager.js';
export { envelope } from './protocols/envelope.js';
export { raw, type RawProtocolOptions } from './protocols/raw.js';
export type { ProtocolOption } from './protocols/resolve.js';
export type { AttemptContext, Endpoint, ValueSource } from './core/endpoint.js';
export type {
  InboundFrame,
  OutboundFrame,
  Platform,
  Transport,
  TransportCloseInfo,
  TransportCloseReason,
  TransportKind,
  TransportOpenContext,
} from './transports/transport.js';
export type { Protocol, ProtocolCodec, ProtocolInput, ResumeCursor } from './protocols/protocol.js';

// Options, state, lifecycle
export type { ClientOptions, PolicyOptions } from './core/options.js';
export type { BackoffOptions } from './core/backoff.js';
export type { RetryContext, RetryPolicy } from './core/retry.js';
export type { HeartbeatOptions } from './core/heartbeat.js';
export type { OutboxEntry, OutboxOptions, OutboxOverflow } from './core/outbox.js';
export type { FallbackMemoryOptions, StorageLike } from './core/fallback-memory.js';
export type { ConnectionState, ConnectionStatus, DisconnectReason, StateChangeReason } from './core/state.js';
export type { FallbackReason, Lifecycle, LifecycleEvents } from './core/lifecycle.js';
export { browserEnvironment, type Environment, type EnvironmentEvent } from './core/environment.js';
export { systemClock, type Clock, type TimerHandle } from './core/clock.js';

// Logging (off unless a logger is passed)
export { createLogger, type Logger, type LoggerOptions } from './logging/logger.js';
export { formatLifecycle, type LogEvent } from './logging/format.js';

// Errors
export { ConnectionError, ProtocolError, RequestError, UnisocketError, type UnisocketErrorCode } from './core/errors.js';
