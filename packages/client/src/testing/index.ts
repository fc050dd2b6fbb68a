// `@unisocket/client/testing`: helpers for testing code that uses the client, without a network or real time.

export { createFakeClock, type FakeClock } from './fake-clock.js';
export { createFakeEnvironment, type FakeEnvironment } from './fake-environment.js';
export { createFakeEndpoint, FakeTransport, type FakeEndpoint, type FakeEndpointOptions } from './fake-transport.js';
