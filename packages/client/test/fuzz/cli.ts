// `pnpm fuzz [--frames 100000] [--seed 1] [--only <parser>]`: the full fuzz run. Each parser runs in a
// process of its own, two at a time (the machine's cores); the table goes to RELIABILITY.md (between
// its fuzz markers) unless a part of it ran (`--only`).
import '../setup-node.js';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { writeSection } from '../reliability-report.js';
import { runFuzz, type FuzzResult } from './run.js';
import { FUZZ_TARGETS } from './targets.js';

const USAGE = 'usage: pnpm fuzz [--frames 100000] [--seed 1] [--only <parser name>] [--parallel 2]';

function parse(argv: string[]) {
  const args = { frames: 100_000, seed: 1, only: undefined as string | undefined, parallel: 2, child: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag == '--') continue;
    if (flag == '--child') {
      args.child = true;
      continue;
    }
    if (flag == '-h' || flag == '--help') {
      console.log(USAGE);
      process.exit(0);
    }
    const value = argv[++i];
    if (value === undefined) fail(`${flag} needs a value`);
    if (flag == '--frames') args.frames = Number(value);
    else if (flag == '--seed') args.seed = Number(value);
    else if (flag == '--only') args.only = value;
    else if (flag == '--parallel') args.parallel = Number(value);
    else fail(`unknown argument ${flag}`);
  }
  if (!(args.frames >= 1) || !Number.isInteger(args.seed) || !(args.parallel >= 1)) fail('--frames and --parallel must be >= 1, --seed an integer');
  return args;
}

function fail(problem: string): never {
  console.error(`fuzz: ${problem}\n${USAGE}`);
  process.exit(2);
}

/** Runs one parser in a child process (this file with --child); resolves with its result. */
function inChild(name: string, frames: number, seed: number): Promise<FuzzResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--child', '--only', name, '--frames', `${frames}`, '--seed', `${seed}`], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('close', (code) => {
      const last = out.trim().split('\n').at(-1) ?? '';
      try {
        resolve(JSON.parse(last) as FuzzResult);
      } catch {
        reject(new Error(`fuzz: ${name} exited with ${code}: ${out.slice(-300)}`));
      }
    });
  });
}

function render(results: FuzzResult[], seed: number, startedAt: Date, durationMs: number): string {
  const rows = results.map((r) => {
    const target = FUZZ_TARGETS.find((t) => t.name == r.target)!;
    const ok = !r.thrown && !r.uncaught && !r.untyped && !r.missed && r.survived;
    return `| ${r.target} | ${target.feeds} | ${r.frames.toLocaleString('en')} | ${r.bad.toLocaleString('en')} | ${r.errors.toLocaleString('en')} | ${r.thrown} | ${r.uncaught} | ${r.untyped} | ${r.missed} | ${r.reconnects.toLocaleString('en')} | ${r.survived ? 'yes' : '**no**'} | ${(r.durationMs / 1000).toFixed(0)} s | ${ok ? 'passed' : '**failed**'} |`;
  });
  return [
    `_Run ${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC in ${(durationMs / 60_000).toFixed(1)} min, seed ${seed} (\`pnpm fuzz\`)._`,
    '',
    '| parser | fed | frames | bad by construction | typed errors reported | thrown | uncaught / unhandled | untyped errors | bad without an error | connections ended and restored | parser alive at the end | took | verdict |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

async function main(): Promise<number> {
  const args = parse(process.argv.slice(2));
  const targets = FUZZ_TARGETS.filter((target) => !args.only || target.name.toLowerCase() == args.only.toLowerCase() || (!args.child && target.name.toLowerCase().includes(args.only.toLowerCase())));
  if (!targets.length) fail(`no parser matches "${args.only}"`);
  if (args.child) {
    console.log(JSON.stringify(await runFuzz(targets[0]!, { seed: args.seed, frames: args.frames })));
    return 0;
  }
  const startedAt = new Date();
  const results: FuzzResult[] = [];
  const queue = [...targets];
  await Promise.all(
    Array.from({ length: Math.min(args.parallel, queue.length) }, async () => {
      for (let target = queue.shift(); target; target = queue.shift()) {
        const result = await inChild(target.name, args.frames, args.seed);
        results.push(result);
        console.error(`fuzz: ${result.target}: ${result.frames} frames, ${result.bad} bad, ${result.errors} errors, thrown ${result.thrown}, uncaught ${result.uncaught}, untyped ${result.untyped}, missed ${result.missed}, survived ${result.survived}`);
        for (const example of result.examples) console.error(`  ${example}`);
      }
    }),
  );
  results.sort((a, b) => FUZZ_TARGETS.findIndex((t) => t.name == a.target) - FUZZ_TARGETS.findIndex((t) => t.name == b.target));
  const markdown = render(results, args.seed, startedAt, Date.now() - startedAt.getTime());
  if (args.only) console.error('fuzz: a partial run; RELIABILITY.md is left as it is');
  else writeSection('fuzz', markdown);
  console.log(markdown);
  return results.every((r) => !r.thrown && !r.uncaught && !r.untyped && !r.missed && r.survived) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('fuzz: failed:', error);
    process.exit(1);
  },
);
