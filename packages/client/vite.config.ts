import { defineConfig } from 'vite';

// ESM library build, one output module per source module (preserveModules) so bundlers drop
// what an app does not import: an app that uses only `websocket()` carries no SSE code.
export default defineConfig({
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    minify: false,
    sourcemap: true,
    lib: { entry: { index: 'src/index.ts', 'testing/index': 'src/testing/index.ts' }, formats: ['es'] },
    rolldownOptions: {
      output: { preserveModules: true, preserveModulesRoot: 'src', entryFileNames: '[name].js' },
    },
  },
});
