// `pnpm --filter @unisocket/bench size [scenario-id...]`: each source file's gzip cost to a bundle
// scenario (see size-by-file.ts). Its own module: the bundle group imports size-by-file.ts, and a
// cycle through a module that awaits at top level never settles.
import { ANCHORS, OURS } from './groups/bundle-size.js';
import { gzipCostByFile } from './size-by-file.js';

const ids = process.argv.slice(2);
for (const id of ids.length ? ids : ['ours-connect']) {
  const scenario = [...OURS, ...ANCHORS].find((candidate) => candidate.id === id);
  if (!scenario) throw new Error(`unknown scenario "${id}"; one of: ${[...OURS, ...ANCHORS].map((s) => s.id).join(', ')}`);
  const { total, files } = await gzipCostByFile(scenario.code);
  console.log(`\n${id}: ~${total} B gzip (modules minified one by one)\n${'gzip cost'.padStart(9)} ${'minified'.padStart(8)}  file`);
  for (const file of files) console.log(`${String(file.gzipCost).padStart(9)} ${String(file.minified).padStart(8)}  ${file.file}`);
}
