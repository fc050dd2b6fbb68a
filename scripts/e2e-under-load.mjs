#!/usr/bin/env node
// Runs Playwright specs while every core is kept busy, several times in a row: a spec that holds only on
// an idle machine is a flaky spec. See e2e/README.md ("Under load").
//
//   node scripts/e2e-under-load.mjs                      # the fault specs, 5 runs, one busy loop per core
//   node scripts/e2e-under-load.mjs --runs 3 --burners 4 -- e2e/chat.spec.ts --project firefox
//
// Everything after `--` goes to `playwright test` (default: the specs that fight the clock).
import { spawn, spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

const DEFAULT_SPECS = ['e2e/restart.spec.ts', 'e2e/offline.spec.ts', 'e2e/blackhole.spec.ts'];

const split = process.argv.indexOf('--');
const own = split < 0 ? process.argv.slice(2) : process.argv.slice(2, split);
const forwarded = split < 0 ? [] : process.argv.slice(split + 1);
const { values } = parseArgs({
  args: own,
  options: {
    runs: { type: 'string', default: '5' },
    burners: { type: 'string', default: String(availableParallelism()) },
  },
});
const runs = Number(values.runs);
const burnerCount = Number(values.burners);
if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(burnerCount) || burnerCount < 0) {
  console.error('usage: e2e-under-load.mjs [--runs N (>= 1)] [--burners N (>= 0, default: one per core)] [-- playwright args]');
  process.exit(2);
}

const root = resolve(import.meta.dirname, '..');
// Busy loops in processes of their own, at normal priority: they compete for the cores as other work
// on a shared machine does (worker threads would share this process's scheduling).
const burners = Array.from({ length: burnerCount }, () => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
const stopBurners = () => {
  for (const burner of burners) if (burner.exitCode === null && burner.signalCode === null) burner.kill('SIGKILL');
};
process.on('exit', stopBurners);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));

const specs = forwarded.length > 0 ? forwarded : DEFAULT_SPECS;
console.log(`${burnerCount} busy loop(s) on ${availableParallelism()} core(s); ${runs} run(s) of: playwright test ${specs.join(' ')}`);
const results = [];
for (let run = 1; run <= runs; run++) {
  const started = Date.now();
  const { status } = spawnSync('pnpm', ['exec', 'playwright', 'test', ...specs], { cwd: root, stdio: 'inherit' });
  const seconds = Math.round((Date.now() - started) / 1000);
  results.push({ run, ok: status === 0, seconds });
  console.log(`\n--- run ${run}/${runs}: ${status === 0 ? 'green' : `FAILED (exit ${status})`} in ${seconds} s\n`);
}
stopBurners();

const green = results.filter((result) => result.ok).length;
console.log(`under load (${burnerCount} busy loops): ${green} of ${runs} runs green (${results.map((result) => `${result.ok ? 'ok' : 'FAIL'} ${result.seconds} s`).join(', ')})`);
process.exit(green === runs ? 0 : 1);
