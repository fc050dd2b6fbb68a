// The bundlers of the suite: Vite 8 (rolldown) for the bundle-size scenarios, as an app would be
// built; esbuild for the Chromium page scripts. `@unisocket/client` is bundled from its TypeScript
// source (what the library build ships is the same code transpiled, and a user's bundler
// tree-shakes and minifies it again), so the numbers never come from a stale dist/ and need no
// build step first.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions, type Plugin } from 'esbuild';
import type { Rolldown } from 'vite';
import { Unavailable } from './results.js';

type OutputChunk = Rolldown.OutputChunk;

export const benchDir = fileURLToPath(new URL('..', import.meta.url));
/** Our client's source entry; `$BENCH_CLIENT_ENTRY` bundles another copy of it instead (a before/after comparison: `git archive main packages/client/src | tar -x -C /tmp/main`). */
export const clientSourceEntry = process.env['BENCH_CLIENT_ENTRY'] ?? fileURLToPath(new URL('../../packages/client/src/index.ts', import.meta.url));

/** Throws `Unavailable('missing')` when our client's source is not there. */
export function assertClientSource(): void {
  if (!existsSync(clientSourceEntry)) throw new Unavailable('missing', `MISSING: ${clientSourceEntry} not found`);
}

const clientFromSource: Plugin = {
  name: 'unisocket-client-from-source',
  setup(build) {
    build.onResolve({ filter: /^@unisocket\/client$/ }, () => ({ path: clientSourceEntry }));
  },
};

const common: BuildOptions = {
  bundle: true,
  platform: 'browser',
  target: 'es2020',
  write: false,
  legalComments: 'none',
  logLevel: 'silent',
  define: { 'process.env.NODE_ENV': '"production"' },
  plugins: [clientFromSource],
};

export interface Bundle {
  /** The entry chunk and every chunk it imports statically: what loads up front. */
  initial: Uint8Array[];
  /** Chunks reached only through `import()`: loaded on demand. */
  lazy: Uint8Array[];
}

const ENTRY_ID = '\0bench-entry.ts';

/** The chunks of an app build: what loads up front (the entry and its static imports, entry first) and the rest. */
export interface AppChunks {
  upFront: OutputChunk[];
  lazy: OutputChunk[];
}

/**
 * Builds a tiny entry module given as source text the way an app using this repository's toolchain
 * is built (Vite 8: rolldown, its default minifier, code splitting); `minify: false` keeps each
 * module's code apart for attribution. Code behind `import()` lands in its own chunks.
 */
export async function buildApp(contents: string, { minify }: { minify: boolean }): Promise<AppChunks> {
  if (contents.includes('@unisocket/client')) assertClientSource();
  const { build: viteBuild } = await import('vite');
  const result = await viteBuild({
    configFile: false,
    logLevel: 'silent',
    root: benchDir,
    mode: 'production',
    resolve: { alias: [{ find: /^@unisocket\/client$/, replacement: clientSourceEntry }] },
    plugins: [
      {
        name: 'bench-entry',
        resolveId: (id) => (id === 'bench-entry' ? ENTRY_ID : undefined),
        load: (id) => (id === ENTRY_ID ? contents : undefined),
      },
    ],
    build: { write: false, minify, modulePreload: false, copyPublicDir: false, reportCompressedSize: false, rolldownOptions: { input: 'bench-entry' } },
  });
  const outputs = (Array.isArray(result) ? result : [result]).flatMap((r) => ('output' in r ? r.output : []));
  const chunks = new Map(outputs.flatMap((o) => (o.type === 'chunk' ? [[o.fileName, o] as const] : [])));
  const entry = [...chunks.values()].find((chunk) => chunk.isEntry);
  if (!entry) throw new Error('vite produced no entry chunk');
  const upFront = new Set<OutputChunk>();
  const visit = (chunk: OutputChunk | undefined) => {
    if (!chunk || upFront.has(chunk)) return;
    upFront.add(chunk);
    for (const imported of chunk.imports) visit(chunks.get(imported));
  };
  visit(entry);
  return { upFront: [...upFront], lazy: [...chunks.values()].filter((chunk) => !upFront.has(chunk)) };
}

/** Minified ESM of a tiny entry module (see {@link buildApp}): what loads up front, apart from what loads on demand. */
export async function bundleSnippet(contents: string): Promise<Bundle> {
  const { upFront, lazy } = await buildApp(contents, { minify: true });
  const encode = (chunk: OutputChunk) => new TextEncoder().encode(chunk.code);
  return { initial: upFront.map(encode), lazy: lazy.map(encode) };
}

/** A page script (IIFE) from a TypeScript entry file, unminified for readable stack traces. */
export async function bundlePageScript(entry: string): Promise<string> {
  const result = await build({ ...common, entryPoints: [entry], format: 'iife', minify: false, sourcemap: 'inline' });
  const file = result.outputFiles?.[0];
  if (!file) throw new Error('esbuild produced no output');
  return file.text;
}
