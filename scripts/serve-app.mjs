#!/usr/bin/env node
// Builds the Vite app of the current directory and serves the build on an OS-assigned port (or
// --port N), then prints `<name> listening on http://HOST:PORT` so Playwright's webServer can read
// the port. Used by the demo and the examples (`pnpm run preview:e2e` in each).
import { parseArgs } from 'node:util';
import { build, preview } from 'vite';

const { values } = parseArgs({
  options: { name: { type: 'string', default: 'app' }, port: { type: 'string', default: '0' }, host: { type: 'string', default: '127.0.0.1' } },
});
const root = process.cwd();

await build({ root, logLevel: 'warn' });
const server = await preview({ root, logLevel: 'warn', preview: { port: Number(values.port), host: values.host, strictPort: true } });
const address = server.httpServer.address();
const port = typeof address === 'object' && address ? address.port : values.port;
console.log(`${values.name} listening on http://${values.host}:${port}`);

const stop = () => server.close().finally(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
