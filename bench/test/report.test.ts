import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EXPLANATION_END, EXPLANATION_START, keptExplanation, markdownTable, renderReport, type RunRecord } from '../src/report.js';
import { asUnavailable, ErrorLog, unavailableCell, type GroupResult } from '../src/results.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function reportFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'bench-report-'));
  dirs.push(dir);
  const path = join(dir, 'BENCHMARKS.md');
  writeFileSync(path, text);
  return path;
}

const group: GroupResult = {
  group: 'bundle',
  title: 'Bundle size',
  ranAt: '2026-11-21T10:00:00.000Z',
  durationMs: 1200,
  quick: false,
  tables: [{ title: 'sizes', columns: ['scenario', 'gzip'], rows: [['a | b', '1.0 KB']] }],
  targets: [{ target: 'small', measured: '1.0 KB', verdict: 'missed' }],
  headlines: ['bundle: 1.0 KB'],
  errors: [],
  data: {},
};

const record: RunRecord = {
  machine: { cpu: 'Test CPU', cores: 2, memory: '1 GiB', os: 'TestOS', node: 'v20.0.0' },
  browser: '156.0',
  versions: { 'socket.io-client': '4.8.4' },
  groups: { bundle: group },
};

describe('BENCHMARKS.md', () => {
  it('keeps the hand-written explanation when it is regenerated', () => {
    const written = `${EXPLANATION_START}\nWhy: the outbox.\n${EXPLANATION_END}`;
    const path = reportFile(`# old\n\n${written}\n\ntrailing`);
    const text = renderReport(record, keptExplanation(path));
    expect(text).toContain('Why: the outbox.');
    expect(text.split(EXPLANATION_START)).toHaveLength(2);
  });

  it('starts with a placeholder explanation when there is no report yet', () => {
    expect(keptExplanation('/nonexistent/BENCHMARKS.md')).toMatch(new RegExp(`^${EXPLANATION_START}[\\s\\S]*${EXPLANATION_END}$`));
  });

  it('lists machine, versions, headlines and target verdicts', () => {
    const text = renderReport(record, keptExplanation('/nonexistent'));
    expect(text).toContain('Test CPU (2 cores');
    expect(text).toContain('| socket.io-client | 4.8.4 |');
    expect(text).toContain('- bundle: 1.0 KB');
    expect(text).toContain('| small | 1.0 KB | **missed** |');
  });

  it('escapes pipes inside table cells', () => {
    expect(markdownTable(group.tables[0]!)).toContain('| a \\| b | 1.0 KB |');
  });
});

describe('measurements without a number', () => {
  it('shows a client that does not build as missing, anything else as an error', () => {
    expect(unavailableCell(asUnavailable(new Error('page.evaluate: Error: MISSING: our client does not bundle')))).toBe('n/a (client build missing)');
    expect(unavailableCell(asUnavailable(new Error('boom\nstack')))).toBe('error: boom');
  });

  it('counts every measurement without a number as a failure', () => {
    const log = new ErrorLog();
    expect(log.note('bundle ours-connect', new Error('MISSING: our client does not bundle'))).toBe('n/a (client build missing)');
    expect(log.note('throughput push', new Error('boom\nstack'))).toBe('error: boom');
    expect(log.errors).toEqual(['bundle ours-connect: MISSING: our client does not bundle', 'throughput push: boom']);
  });
});
