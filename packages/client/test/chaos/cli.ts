// `pnpm chaos [--seeds 1,2,3] [--messages 1000] [--faults 12] [--only <kind substring>]`: the full
// chaos run. Every kind runs on a harness of its own, the kinds of one seed side by side; the table
// goes to RELIABILITY.md (between its generated markers) and chaos-results.json beside this file.
import '../setup-node.js';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FaultName } from './faults.js';
import { CHAOS_KINDS } from './kinds.js';
import { writeSection } from '../reliability-report.js';
import { runChaos, verdict, type ChaosResult, type Verdict } from './run.js';
import { sum, type Tally } from './tally.js';

const USAGE = 'usage: pnpm chaos [--seeds 1,2,3] [--messages 1000] [--faults 12] [--only <part of a kind name>]';

function parse(argv: string[]): { seeds: number[]; messages: number; faults: number; only: string | undefined } {
  const args = { seeds: [1, 2, 3], messages: 1000, faults: 12, only: undefined as string | undefined };
  for (let i = 0; i < argv.length; i++) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (flag == '--') continue;
    if (flag == '-h' || flag == '--help') {
      console.log(USAGE);
      process.exit(0);
    }
    if (value === undefined) fail(`${flag} needs a value`);
    i++;
    if (flag == '--seeds') args.seeds = value.split(',').map(Number);
    else if (flag == '--messages') args.messages = Number(value);
    else if (flag == '--faults') args.faults = Number(value);
    else if (flag == '--only') args.only = value;
    else fail(`unknown argument ${flag}`);
  }
  if (!args.seeds.length || args.seeds.some((seed) => !Number.isInteger(seed))) fail('--seeds takes integers: 1,2,3');
  if (!(args.messages >= 1) || !(args.faults >= 0)) fail('--messages must be >= 1 and --faults >= 0');
  return args;
}

function fail(problem: string): never {
  console.error(`chaos: ${problem}\n${USAGE}`);
  process.exit(2);
}

const cell = (t: Tally) => `${t.sent.toLocaleString('en')} / ${t.lost} / ${t.duplicated} / ${t.outOfOrder}`;
const worst = (verdicts: Verdict[]): Verdict => (['broken', 'gap reported', 'counted', 'held'] as const).find((v) => verdicts.includes(v)) ?? 'held';
const shown = (v: Verdict) => (v == 'broken' ? '**broken**' : v);

function render(results: ChaosResult[], args: ReturnType<typeof parse>, startedAt: Date, durationMs: number): string {
  const kinds = CHAOS_KINDS.filter((kind) => results.some((r) => r.kind == kind.name));
  const rows = kinds.map((kind) => {
    const mine = results.filter((r) => r.kind == kind.name);
    const faults = new Map<FaultName, number>();
    for (const r of mine) for (const f of r.faults) faults.set(f.name, (faults.get(f.name) ?? 0) + 1);
    const [up, down] = [sum(mine.map((r) => r.up)), sum(mine.map((r) => r.down))];
    const reports = mine.reduce((n, r) => n + r.gaps + r.terminal, 0);
    return [
      kind.name,
      `${kind.promises.up} / ${kind.promises.down}`,
      [...faults].map(([name, n]) => `${name} ${n}`).join(', '),
      cell(up),
      shown(worst(mine.map((r) => r.verdict.up))),
      cell(down),
      shown(worst(mine.map((r) => r.verdict.down))),
      `${mine.reduce((n, r) => n + r.gaps, 0)} / ${mine.reduce((n, r) => n + r.terminal, 0)}`,
      `${mine.reduce((n, r) => n + r.recoveries, 0)}`,
      // The verdict over all seeds together (a loss in one seed with a gap in another is still reported somewhere).
      `${verdict(kind.promises.up, up, reports)} / ${verdict(kind.promises.down, down, reports)}`,
    ];
  });
  const perSeed = results.map((r) => [r.kind, `${r.seed}`, cell(r.up), r.verdict.up, cell(r.down), r.verdict.down, `${r.gaps}`, `${r.terminal}`, `${(r.durationMs / 1000).toFixed(0)} s`]);
  const table = (columns: string[], body: string[][]) => [`| ${columns.join(' | ')} |`, `|${columns.map(() => '---').join('|')}|`, ...body.map((row) => `| ${row.join(' | ')} |`)].join('\n');
  const paths = kinds.map((kind) => `- **${kind.name}**: up ${kind.paths.up}; down ${kind.paths.down}.`);
  return [
    `_Run ${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC in ${(durationMs / 60_000).toFixed(1)} min: seeds ${args.seeds.join(', ')}, ${args.messages.toLocaleString('en')} messages each way and ${args.faults} faults per kind and seed (\`pnpm chaos\`)._`,
    '',
    table(['kind', 'promise (up / down)', 'faults', 'up: sent / lost / dup / out of order', 'up', 'down: sent / lost / dup / out of order', 'down', 'gaps / terminal closes', 'recoveries', 'all seeds'], rows),
    '',
    'How the numbers travel:',
    '',
    ...paths,
    '',
    '<details><summary>Per seed</summary>',
    '',
    table(['kind', 'seed', 'up', 'verdict', 'down', 'verdict', 'gaps', 'terminal', 'took'], perSeed),
    '',
    '</details>',
  ].join('\n');
}

async function main(): Promise<number> {
  const args = parse(process.argv.slice(2));
  const kinds = CHAOS_KINDS.filter((kind) => !args.only || kind.name.toLowerCase().includes(args.only.toLowerCase()));
  if (!kinds.length) fail(`no kind matches "${args.only}"`);
  const startedAt = new Date();
  const results: ChaosResult[] = [];
  for (const seed of args.seeds) {
    const settled = await Promise.allSettled(kinds.map((kind) => runChaos(kind, { seed, messages: args.messages, faults: args.faults })));
    for (const [index, outcome] of settled.entries()) {
      if (outcome.status == 'rejected') {
        console.error(`chaos: ${kinds[index]!.name}, seed ${seed}: the run failed:`, outcome.reason);
        return 1;
      }
      const r = outcome.value;
      results.push(r);
      console.error(`chaos: seed ${seed} ${r.kind}: up ${cell(r.up)} ${r.verdict.up}; down ${cell(r.down)} ${r.verdict.down}; gaps ${r.gaps}, terminal ${r.terminal}`);
    }
  }
  const markdown = render(results, args, startedAt, Date.now() - startedAt.getTime());
  const here = fileURLToPath(new URL('.', import.meta.url));
  writeFileSync(`${here}chaos-results.json`, `${JSON.stringify({ ranAt: startedAt.toISOString(), args, results }, null, 2)}\n`);
  if (args.only || args.seeds.length < 2) console.error('chaos: a partial run; RELIABILITY.md is left as it is (the full run: pnpm chaos)');
  else writeSection('chaos', markdown);
  console.log(markdown);
  return results.some((r) => r.verdict.up == 'broken' || r.verdict.down == 'broken') ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('chaos: failed:', error);
    process.exit(1);
  },
);
