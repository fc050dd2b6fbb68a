// The chunk `connect(url, { protocol: 'socket.io' })` loads on its first attempt. Only that
// `import()` may name this module: a bundler moves it into a chunk of its own only when nothing
// imports it statically (`socketio.ts` is also a static export of the package's index).
export { socketIoEndpoints } from './socketio.js';
