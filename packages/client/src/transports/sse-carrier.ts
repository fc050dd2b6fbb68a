// What connect() loads on demand (`import()`): the SSE transport with its downstream and upstream.
// Its own module, apart from sse-transport.ts, which `sse()` imports statically: an app that uses both
// `sse()` and `connect()` then gets this two-line chunk and no bundler warning about a dynamic import
// of a module that is in the main chunk anyway.
export { createSseTransport } from './sse-transport.js';
