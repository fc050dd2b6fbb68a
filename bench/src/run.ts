// `pnpm bench [--quick] [--only <group>[,<group>]]`: runs the benchmark groups, then writes
// BENCHMARKS.md and bench/results/latest.json (a quick run writes bench/results/quick.{md,json}).
// Exit code 1 when a measurement broke; numbers are never judged.
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { launchBenchBrowser, type BenchBrowser } from './browser.js';
import type { GroupContext } from './groups/context.js';
import { runBundleSize } from './groups/bundle-size.js';
import { runClientScale } from './groups/client-scale.js';
import { runHarness } from './groups/harness.js';
import { runRecovery } from './groups/recovery.js';
import { runServer } from './groups/server.js';
import { runResilience } from './groups/resilience.js';
import { runThroughput } from './groups/throughput.js';
import { describeMachine, installedVersions } from './machine.js';
import { keptExplanation, renderReport, type RunRecord } from './report.js';
import { GROUP_NAMES, type GroupName, type GroupResult } from './results.js';

type Runner = (context: GroupContext) => Promise<Omit<GroupResult, 'ranAt' | 'durationMs' | 'quick'>>;

const RUNNERS: Record<GroupName, Runner> = {
  bundle: runBundleSize,
  throughput: runThroughput,
  recovery: runRecovery,
  resilience: runResilience,
  harness: runHarness,
  server: runServer,
  scale: runClientScale,
};

const USAGE = `usage: pnpm bench [--quick] [--only <group>[,<group>...]]

  --quick        small counts and few rounds (< 2 min): checks the code runs; writes bench/results/quick.{md,json}
  --only GROUPS  run these groups (${GROUP_NAMES.join(', ')}); a full run keeps the others' last results
  -h, --help     this text

A full run writes BENCHMARKS.md at the repository root and bench/results/latest.json.`;

interface Args {
  quick: boolean;
  only: GroupName[];
}

function parseArgs(argv: string[]): Args {
  const args: Args = { quick: false, only: [...GROUP_NAMES] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') continue;
    if (arg === '--quick') args.quick = true;
    else if (arg === '--only' || arg?.startsWith('--only=')) {
      const value = arg === '--only' ? argv[++i] : arg.slice('--only='.length);
      const names = (value ?? '').split(',').filter(Boolean);
      const unknown = names.filter((name) => !GROUP_NAMES.includes(name as GroupName));
      if (names.length === 0 || unknown.length) usage(`unknown group "${unknown.join(', ') || ''}"`);
      args.only = names as GroupName[];
    } else if (arg === '-h' || arg === '--help') {
      console.log(USAGE);
      process.exit(0);
    } else usage(`unknown argument "${arg}"`);
  }
  return args;
}

function usage(problem: string): never {
  console.error(`bench: ${problem}\n\n${USAGE}`);
  process.exit(2);
}

const root = fileURLToPath(new URL('../../', import.meta.url));
const resultsDir = fileURLToPath(new URL('../results/', import.meta.url));

/** A safety net above the bounded loops: the whole run never outlives this. */
const BUDGET_MS = { full: 45 * 60_000, quick: 4 * 60_000 };

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const started = Date.now();
  let browser: Promise<BenchBrowser> | undefined;
  const jsonPath = `${resultsDir}${args.quick ? 'quick' : 'latest'}.json`;
  const previous: Partial<RunRecord> = !args.quick && existsSync(jsonPath) ? (JSON.parse(readFileSync(jsonPath, 'utf8')) as RunRecord) : {};
  const groups: RunRecord['groups'] = { ...(previous.groups ?? {}) };
  const versions = installedVersions();

  /** Writes the groups measured so far (and the earlier results of the others). */
  const writeResults = (browserVersion: string | undefined): string => {
    const record: RunRecord = { machine: describeMachine(), browser: browserVersion ?? previous.browser, versions, groups };
    mkdirSync(resultsDir, { recursive: true });
    writeFileSync(jsonPath, `${JSON.stringify(record, null, 2)}\n`);
    const markdownPath = args.quick ? `${resultsDir}quick.md` : `${root}BENCHMARKS.md`;
    writeFileSync(markdownPath, renderReport(record, keptExplanation(markdownPath)));
    return markdownPath;
  };

  const watchdog = setTimeout(() => {
    // What finished is kept: a group that hangs costs its own results, not the whole run's.
    const markdownPath = writeResults(undefined);
    console.error(`bench: over the ${args.quick ? 'quick' : 'full'} time budget, giving up (wrote the groups done so far to ${markdownPath})`);
    process.exit(1);
  }, args.quick ? BUDGET_MS.quick : BUDGET_MS.full);
  watchdog.unref();

  const context: GroupContext = {
    quick: args.quick,
    versions,
    progress: (message) => console.error(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${message}`),
    browser: () => (browser ??= launchBenchBrowser()),
  };

  let failed = 0;
  try {
    for (const name of args.only) {
      const groupStart = Date.now();
      context.progress(`group ${name}: start`);
      try {
        const result = await RUNNERS[name](context);
        groups[name] = { ...result, ranAt: new Date(groupStart).toISOString(), durationMs: Date.now() - groupStart, quick: args.quick };
        failed += result.errors.length;
        for (const error of result.errors) console.error(`bench: ${name}: ${error}`);
      } catch (error) {
        failed++;
        console.error(`bench: group ${name} failed:`, error);
      }
      context.progress(`group ${name}: done in ${((Date.now() - groupStart) / 1000).toFixed(1)} s`);
    }
  } finally {
    if (browser) await (await browser.catch(() => undefined))?.close();
  }

  clearTimeout(watchdog);
  const browserVersion = browser ? (await browser.catch(() => undefined))?.version : undefined;
  const markdownPath = writeResults(browserVersion);
  console.error(`bench: wrote ${markdownPath} and ${jsonPath} in ${((Date.now() - started) / 1000).toFixed(0)} s${failed ? `; ${failed} measurement(s) failed` : ''}`);
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('bench: failed:', error);
    process.exit(1);
  },
);
