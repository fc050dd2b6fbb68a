import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { census, growth, type HeapCensus } from '../src/heap-diff.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A minimal `.heapsnapshot`: nodes as [type, name, self_size]. */
function snapshotFile(nodes: [string, string, number][]): string {
  const types = ['hidden', 'array', 'string', 'object', 'code', 'closure', 'regexp', 'number', 'native', 'synthetic', 'concatenated string', 'sliced string', 'symbol', 'bigint'];
  const strings: string[] = [];
  const at = (text: string) => (strings.includes(text) ? strings.indexOf(text) : strings.push(text) - 1);
  const file = {
    snapshot: { meta: { node_fields: ['type', 'name', 'id', 'self_size', 'edge_count'], node_types: [types] } },
    nodes: nodes.flatMap(([type, name, size], id) => [types.indexOf(type), at(name), id + 1, size, 0]),
    strings,
  };
  const dir = mkdtempSync(join(tmpdir(), 'heap-diff-'));
  dirs.push(dir);
  const path = join(dir, 'test.heapsnapshot');
  writeFileSync(path, JSON.stringify(file));
  return path;
}

describe('heap snapshot census and growth', () => {
  it('groups objects by constructor, strings together, closures and arrays by V8 name', () => {
    const counted = census(
      snapshotFile([
        ['object', 'Session', 136],
        ['object', 'Session', 136],
        ['string', 'abc', 32],
        ['concatenated string', 'a+b', 40],
        ['closure', 'onClose', 56],
        ['array', '(object elements)', 152],
      ]),
    );
    expect(Object.fromEntries(counted)).toEqual({
      Session: { count: 2, bytes: 272 },
      '(string)': { count: 2, bytes: 72 },
      '(closure) onClose': { count: 1, bytes: 56 },
      '(array) (object elements)': { count: 1, bytes: 152 },
    });
  });

  it('answers what grew per connection, largest first, leaving out what moved less than minBytes', () => {
    const before: HeapCensus = new Map([
      ['Session', { count: 0, bytes: 0 }],
      ['Gone', { count: 10, bytes: 400 }],
      ['Same', { count: 5, bytes: 500 }],
    ]);
    const after: HeapCensus = new Map([
      ['Session', { count: 100, bytes: 13_600 }],
      ['Same', { count: 5, bytes: 510 }],
      ['(string)', { count: 200, bytes: 9_600 }],
    ]);
    expect(growth(before, after, 100, 1)).toEqual([
      { kind: 'Session', countPerConnection: 1, bytesPerConnection: 136 },
      { kind: '(string)', countPerConnection: 2, bytesPerConnection: 96 },
      { kind: 'Gone', countPerConnection: -0.1, bytesPerConnection: -4 },
    ]);
  });
});
