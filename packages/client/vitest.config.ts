import { configDefaults, defineProject } from 'vitest/config';

// The client runs on Node's own WebSocket, as an app on Node would: global in Node 22, behind
// --experimental-websocket in Node 20 (which then fires `error` and never `close` on a refused
// connection). The same project runs on Node 22 in `pnpm test` (scripts/test.mjs).
const nodeWebSocket = typeof globalThis.WebSocket == 'function' ? [] : ['--experimental-websocket'];

export default defineProject({
  test: {
    name: 'client',
    environment: 'node',
    execArgv: nodeWebSocket,
    include: ['test/**/*.test.ts'],
    // test/browser runs in Chromium, Firefox and WebKit (vitest.browser.config.ts).
    exclude: [...configDefaults.exclude, 'test/browser/**'],
    setupFiles: ['test/setup-node.ts'],
    testTimeout: 15_000,
    hookTimeout: 15_000,
    // expect.poll's own default (1 s) is shorter than a server's `retry: 1000` plus a busy machine's delay.
    expect: { poll: { timeout: 5_000 } },
    typecheck: { enabled: true, include: ['test/types/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
  },
});
