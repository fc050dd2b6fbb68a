#!/usr/bin/env node
// `pnpm check:packages`: what a user installs, checked as a user gets it. Every published workspace
// package (not `private`) is packed with `pnpm pack` (its `prepack` builds it), then the tarball is
// linted (publint), its types are checked (Are the Types Wrong?, and our own TypeScript compiling a
// consumer in `nodenext` ESM, `nodenext` CommonJS and `bundler` modes, the declarations included),
// and it is installed into an empty app where `require()` and `import` of every entry of its exports
// map run in Node 20 and Node 22 (Node 22 through `npx node@22` when it is not the running one).
// Prints one line per check and exits non-zero if any failed.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const NODE_MAJORS = [20, 22];

const results = [];
/** Runs `command`; records a pass or a failure (with the command's output) under `label`. */
function step(label, command, args, options = {}) {
  const run = spawnSync(command, args, { encoding: 'utf8', ...options });
  const ok = run.status === 0;
  results.push({ label, ok });
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${label}`);
  if (!ok) console.log(`${run.stdout ?? ''}${run.stderr ?? ''}${run.error ?? ''}`.trim().replace(/^/gm, '     '));
  return ok;
}

/** A Node binary of `major`: this one when it matches, else the `node` npm package through npx. */
function nodeBinary(major) {
  if (Number(process.versions.node.split('.')[0]) === major) return process.execPath;
  return execFileSync('npx', ['-y', `node@${major}`, '-p', 'process.execPath'], { encoding: 'utf8' }).trim();
}

const published = readdirSync(join(root, 'packages'))
  .map((dir) => join(root, 'packages', dir))
  .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }))
  .filter(({ manifest }) => !manifest.private);

/** Packages for Node only: a browser app never imports them, so their types may name Node's modules. */
const NODE_ONLY = new Set(['@unisocket/server']);

/** The import specifiers of a package's exports map (`@unisocket/client`, `@unisocket/client/testing`). */
function entriesOf({ manifest }) {
  return Object.keys(manifest.exports ?? { '.': null }).map((subpath) => (subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`));
}

const work = mkdtempSync(join(tmpdir(), 'unisocket-packages-'));
try {
  const tarballs = join(work, 'tarballs');
  const app = join(work, 'app');
  mkdirSync(tarballs);
  mkdirSync(app);
  for (const { dir, manifest } of published) {
    step(`${manifest.name}: pnpm pack (prepack builds)`, 'pnpm', ['pack', '--pack-destination', tarballs], { cwd: dir });
  }
  const packed = readdirSync(tarballs).map((file) => join(tarballs, file));

  for (const tarball of packed) {
    const name = tarball.split('/').pop();
    step(`${name}: publint --strict`, 'pnpm', ['exec', 'publint', 'run', tarball, '--strict'], { cwd: root });
    // `cjs-resolves-to-esm`: the packages are ESM only, and `require()` of them is Node's require(esm)
    // (20.19+, run below); TypeScript >= 5.8 types it under `module: nodenext` (compiled below), the
    // TypeScript inside attw (5.6) predates that. node10 resolution (no exports maps) is out of scope.
    step(`${name}: attw`, 'pnpm', ['exec', 'attw', tarball, '--profile', 'node16', '--ignore-rules', 'cjs-resolves-to-esm', '--no-color', '--format', 'ascii'], {
      cwd: root,
    });
  }

  // An empty app with every tarball installed, as `npm install ./x.tgz` does it for a user.
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
  // @types/node as a server app has it (the server's types name node:http); the browser consumer below does without.
  const installed = step('npm install of the tarballs into an empty app', 'npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '@types/node@^20.19', ...packed], {
    cwd: app,
  });

  if (installed) {
    const entries = published.flatMap(entriesOf);
    // Each entry's export names, through require() and through import(): the same, and not empty.
    writeFileSync(
      join(app, 'probe.cjs'),
      `const entries = ${JSON.stringify(entries)};
const names = (module) => Object.keys(module).filter((key) => key !== 'default' && key !== '__esModule').sort().join(',');
(async () => {
  for (const entry of entries) {
    const required = names(require(entry));
    const imported = names(await import(entry));
    if (!required) throw new Error(entry + ': require() gave no exports');
    if (required !== imported) throw new Error(entry + ': require() gives ' + required + ' but import gives ' + imported);
    console.log(entry + ': ' + required.split(',').length + ' exports');
  }
})().catch((error) => { console.error(error); process.exit(1); });
`,
    );
    for (const major of NODE_MAJORS) {
      let node;
      try {
        node = nodeBinary(major);
      } catch (error) {
        results.push({ label: `node ${major}`, ok: false });
        console.log(`FAIL node ${major}: could not get a Node ${major} binary: ${error.message}`);
        continue;
      }
      step(`node ${major}: require() and import of ${entries.join(', ')}`, node, ['probe.cjs'], { cwd: app });
    }

    // Types as a TypeScript user meets them, with our TypeScript and the declarations compiled too.
    const typesDir = join(app, 'types');
    mkdirSync(typesDir);
    const tsc = join(root, 'node_modules/typescript/bin/tsc');
    // A browser app (no Node types) imports the browser packages; a Node app (with @types/node) imports every package.
    const consumers = [
      { platform: 'browser', types: [], entries: published.filter(({ manifest }) => !NODE_ONLY.has(manifest.name)).flatMap(entriesOf) },
      { platform: 'node', types: ['node'], entries },
    ];
    for (const consumer of consumers) {
      const { platform } = consumer;
      const imports = consumer.entries.map((entry, index) => `import * as entry${index} from '${entry}';\nexport const used${index} = Object.keys(entry${index});`).join('\n');
      const requires = consumer.entries.map((entry, index) => `import entry${index} = require('${entry}');\nexport const used${index} = Object.keys(entry${index});`).join('\n');
      writeFileSync(join(typesDir, `${platform}-esm.mts`), imports);
      writeFileSync(join(typesDir, `${platform}-cjs.cts`), requires);
      writeFileSync(join(typesDir, `${platform}-bundler.ts`), imports);
      const compilerOptions = { strict: true, noEmit: true, skipLibCheck: false, lib: ['ES2022', 'DOM'], types: consumer.types, target: 'ES2022' };
      for (const [mode, files, options] of [
        ['nodenext', [`${platform}-esm.mts`, `${platform}-cjs.cts`], { module: 'nodenext', moduleResolution: 'nodenext' }],
        ['bundler', [`${platform}-bundler.ts`], { module: 'esnext', moduleResolution: 'bundler' }],
      ]) {
        const config = join(typesDir, `tsconfig.${platform}-${mode}.json`);
        writeFileSync(config, JSON.stringify({ compilerOptions: { ...compilerOptions, ...options }, files }));
        step(`types: a ${platform} app compiles ${consumer.entries.join(', ')} with module ${mode}`, process.execPath, [tsc, '-p', config], { cwd: typesDir });
      }
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

const failed = results.filter((result) => !result.ok).length;
console.log(`\npackages: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
