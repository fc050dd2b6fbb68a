// What each source file costs a bundle, in gzip bytes: the bundle's modules are minified one by one
// and concatenated in bundle order; a file's cost is how much the gzip of the whole shrinks when that
// file is left out. Approximate (the real build minifies across modules), but it ranks files by what
// removing or slimming them would save, which raw sizes before minification do not.
//
// CLI: `pnpm --filter @unisocket/bench size [scenario-id...]` (size-cli.ts; default: ours-connect).
import { relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { transform } from 'esbuild';
import { benchDir, buildApp } from './bundler.js';

export interface FileCost {
  file: string;
  /** Bytes after minifying the file alone. */
  minified: number;
  /** Gzip bytes the bundle loses without this file. */
  gzipCost: number;
}

const gzip = (code: string) => gzipSync(code, { level: 9 }).byteLength;

/** Every module of the up-front chunks of `entrySource` (built as in `bundleSnippet`: the entry chunk and its static imports), with its gzip cost. */
export async function gzipCostByFile(entrySource: string): Promise<{ total: number; files: FileCost[] }> {
  const { upFront } = await buildApp(entrySource, { minify: false });
  const modules: { file: string; code: string }[] = [];
  for (const [id, module] of upFront.flatMap((chunk) => Object.entries(chunk.modules))) {
    const { code } = await transform(module.code ?? '', { minify: true, loader: 'js' });
    const file = id.startsWith('\0') ? id.slice(1) : relative(`${benchDir}/..`, id).replace(/^.*node_modules\//, 'node_modules/');
    modules.push({ file, code });
  }
  const joined = (skip?: number) => modules.filter((_, index) => index !== skip).map((module) => module.code).join('');
  const total = gzip(joined());
  const files = modules.map(({ file, code }, index) => ({ file, minified: code.length, gzipCost: total - gzip(joined(index)) }));
  return { total, files: files.sort((a, b) => b.gzipCost - a.gzipCost) };
}
