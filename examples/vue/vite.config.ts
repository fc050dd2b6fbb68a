import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

// In your app `@unisocket/client` comes from npm; here it is the repository's source, so the example
// runs from a clean clone without building the library first.
const source = (path: string) => fileURLToPath(new URL(`../../packages/client/src/${path}`, import.meta.url));

export default defineConfig({
  plugins: [vue()],
  resolve: {
    alias: [
      { find: /^@unisocket\/client$/, replacement: source('index.ts') },
      { find: /^@unisocket\/client\/testing$/, replacement: source('testing/index.ts') },
    ],
  },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
  build: { target: 'es2022' },
});
