import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { clientSource } from '../shared/client-source.js';

export default defineConfig({
  plugins: [react()],
  resolve: { alias: clientSource },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
  build: { target: 'es2022' },
});
