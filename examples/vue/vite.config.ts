import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';
import { clientSource } from '../shared/client-source.js';

export default defineConfig({
  plugins: [vue()],
  resolve: { alias: clientSource },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
  build: { target: 'es2022' },
});
