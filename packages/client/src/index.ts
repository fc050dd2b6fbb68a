// The complete public API of @unisocket/client. Side-effect free: importing does nothing.

export { connect, type ConnectOptions } from './connect.js';
export { createClient, type Client } from './client.js';
export type { ScopedEmitter } from './scoped-emitter.js';
export type { DefaultEvents, Listener, EventNames, EventsMap, RawData, SendData } from './events.js';

// Endpoints and protocols
export { websocket, type WebSocketEndpointOptions } from './transports/websocket.js';
export { sse, type SseEndpointOptions } from './transports/sse.js';
export { socketio } from './socketio.js';
export type { SocketIoEndpointOptions, SocketIoTransport } from './socketio-options.js';
export { connectSocketIo, type SocketIoConnectOptions } from './socketio-connect.js';
export { envelope } from './protocol/envelope.js';
export { raw, type RawProtocolOptions } from './protocol/raw.js';
export type { ProtocolOption } from './protocol/resolve.js';
export type { Endpoint, ValueSource } from './endpoint.js';
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
export type { Protocol, ProtocolCodec, ProtocolInput, ResumeCursor } from './protocol/protocol.js';

// Options, state, lifecycle
export type { ClientOptions, PolicyOptions } from './options.js';
export type { BackoffOptions } from './backoff.js';
export type { HeartbeatOptions } from './heartbeat.js';
export type { OutboxEntry, OutboxOptions, OutboxOverflow } from './outbox.js';
export type { FallbackMemoryOptions, StorageLike } from './fallback-memory.js';
export type { ConnectionState, ConnectionStatus, DisconnectReason, StateChangeReason } from './state.js';
export type { FallbackReason, Lifecycle, LifecycleEvents } from './lifecycle.js';
export { browserEnvironment, createFakeEnvironment, type Environment, type EnvironmentEvent, type FakeEnvironment } from './environment.js';
export { systemClock, type Clock, type TimerHandle } from './clock.js';

// Errors
export { ConnectionError, ProtocolError, RequestError, UnisocketError, type UnisocketErrorCode } from './errors.js';

// Test helpers (tree-shaken away unless imported)
export { createFakeClock, type FakeClock } from './fake-clock.js';
export { createFakeEndpoint, FakeTransport, type FakeEndpoint, type FakeEndpointOptions } from './fake-transport.js';
