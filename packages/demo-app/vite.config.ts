import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The demo uses the client's source, not its build: `pnpm demo` and the e2e suite work from a clean
// clone without building the library first, and edits to the SDK show up at once in the dev server.
const clientSource = fileURLToPath(new URL('../client/src/index.ts', import.meta.url));

export default defineConfig({
  resolve: { alias: { '@unisocket/client': clientSource } },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
  build: { target: 'es2022', sourcemap: true },
});
