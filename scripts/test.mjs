#!/usr/bin/env node
// Runs every check and every test runner, then prints one summary line totalled over all of them:
// `N passed, N failed[, N skipped]`. Exits non-zero when anything failed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const reports = resolve(root, 'reports');
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });

const totals = { passed: 0, failed: 0, skipped: 0 };

function run(label, command, args, env = {}) {
  console.log(`\n=== ${label}: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  return result.status ?? 1;
}

/** Lint and typecheck are not tests, but a failure of either must show in the summary. */
function check(label, command, args) {
  const status = run(label, command, args);
  if (status === 0) totals.passed += 1;
  else {
    totals.failed += 1;
    console.log(`!!! ${label} failed (exit ${status})`);
  }
}

function readJson(path) {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

check('lint', 'pnpm', ['lint']);
check('typecheck', 'pnpm', ['typecheck']);
// The packed tarballs as users install them: publint, attw, require() and import in Node 20 and 22.
check('packages', 'node', ['scripts/check-packages.mjs']);

// Chromium first: the client's browser-mode Vitest project needs it too.
const browserStatus = run('browser', 'node', ['scripts/ensure-browser.mjs']);
// A real redis-server for the Redis adapter and cluster tests (they say what is missing if it is).
run('redis', 'node', ['scripts/ensure-redis.mjs']);

/** Runs Vitest (`launcher`: how to start it) with `args` and adds its counts (from its JSON report) to the totals. */
function vitestRun(label, args, launcher = ['pnpm', 'exec', 'vitest']) {
  const report = resolve(reports, `${label}.json`);
  const [command, ...prefix] = launcher;
  const status = run(label, command, [...prefix, 'run', ...args, '--reporter=default', '--reporter=json', `--outputFile.json=${report}`]);
  const vitest = readJson(report);
  if (vitest) {
    totals.passed += vitest.numPassedTests ?? 0;
    totals.failed += vitest.numFailedTests ?? 0;
    totals.skipped += (vitest.numPendingTests ?? 0) + (vitest.numTodoTests ?? 0);
    // A suite that failed to load has no failed test of its own: count it.
    const brokenSuites = (vitest.testResults ?? []).filter((s) => s.status === 'failed' && (s.assertionResults ?? []).length === 0).length;
    totals.failed += brokenSuites;
    if (status !== 0 && (vitest.numFailedTests ?? 0) + brokenSuites === 0) totals.failed += 1;
  } else if (status !== 0) totals.failed += 1;
}

vitestRun('vitest', []);
// The client on Node 22 (global WebSocket and fetch, no flag, no EventSource), from the npm package
// `node@22`: the conformance suite against the real harness, the WebSocket transport on Node's own
// WebSocket and the SSE builder's EventSource check. The run above is Node 20 (--experimental-websocket,
// see packages/client/vitest.config.ts).
vitestRun(
  'client-node22',
  ['--project', 'client', '--typecheck.enabled=false', 'test/conformance', 'test/unit/transports/websocket.test.ts', 'test/unit/transports/sse-endpoint.test.ts'],
  ['npx', '-y', 'node@22', 'node_modules/vitest/vitest.mjs'],
);

const playwrightReport = resolve(reports, 'playwright.json');
const playwrightStatus =
  browserStatus === 0
    ? run('playwright', 'pnpm', ['exec', 'playwright', 'test', '--reporter=list,json'], { PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightReport })
    : 1;
const playwright = readJson(playwrightReport);
if (playwright?.stats) {
  const { expected = 0, unexpected = 0, flaky = 0, skipped = 0 } = playwright.stats;
  totals.passed += expected + flaky;
  totals.failed += unexpected;
  totals.skipped += skipped;
  if (playwrightStatus !== 0 && unexpected === 0) totals.failed += 1;
} else if (playwrightStatus !== 0) totals.failed += 1;

// The demo's core scenarios with a page in WebKit (e2e-webkit/: WebdriverIO, since Playwright cannot drive it).
vitestRun('e2e-webkit', ['--config', 'e2e-webkit/vitest.config.ts']);

// The benchmarks in --quick mode: their numbers are not judged here, but the code must keep working.
check('bench --quick', 'pnpm', ['bench', '--quick']);

const skipped = totals.skipped > 0 ? `, ${totals.skipped} skipped` : '';
console.log('');
console.log(`${totals.passed} passed, ${totals.failed} failed${skipped}`);
process.exit(totals.failed > 0 ? 1 : 0);
