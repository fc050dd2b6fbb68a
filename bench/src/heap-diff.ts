// Heap snapshots (`v8.writeHeapSnapshot`) grouped by what V8 calls each node, and the difference
// between two of them: what a server holds per idle connection, by constructor. Used by heap-cli.ts.
import { readFileSync } from 'node:fs';

/** The part of a `.heapsnapshot` file this reads. */
interface SnapshotFile {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

/** Count and self size of every node of one kind. */
export interface HeapGroup {
  count: number;
  bytes: number;
}

/** Nodes by kind: `Foo` for objects, `(closure) f`, `(array) …`, `(string)`, `(native) …`, etc. */
export type HeapCensus = Map<string, HeapGroup>;

/** What a group of nodes is called in the census: objects by constructor, strings together. */
function kindOf(type: string, name: string): string {
  switch (type) {
    case 'object':
      return name;
    case 'string':
    case 'concatenated string':
    case 'sliced string':
      return '(string)';
    case 'number':
      return '(heap number)';
    case 'closure':
      return `(closure) ${name || 'anonymous'}`;
    default:
      // Arrays, hidden objects, code, native and synthetic nodes: V8's own names tell them apart.
      return `(${type}) ${name.length > 60 ? `${name.slice(0, 57)}...` : name}`;
  }
}

/** Reads a snapshot and counts its nodes by kind. Memory: the file is parsed whole. */
export function census(file: string): HeapCensus {
  const snapshot = JSON.parse(readFileSync(file, 'utf8')) as SnapshotFile;
  const fields = snapshot.snapshot.meta.node_fields;
  const types = snapshot.snapshot.meta.node_types[0];
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const groups: HeapCensus = new Map();
  const { nodes, strings } = snapshot;
  for (let at = 0; at < nodes.length; at += width) {
    const kind = kindOf(types[nodes[at + typeAt]!]!, strings[nodes[at + nameAt]!]!);
    const group = groups.get(kind);
    const bytes = nodes[at + sizeAt]!;
    if (group) {
      group.count++;
      group.bytes += bytes;
    } else groups.set(kind, { count: 1, bytes });
  }
  return groups;
}

/** One row of a difference: growth from `before` to `after`, per connection. */
export interface HeapGrowth {
  kind: string;
  countPerConnection: number;
  bytesPerConnection: number;
}

/** What `after` holds beyond `before`, per connection, largest first; rows under `minBytes` per connection left out. */
export function growth(before: HeapCensus, after: HeapCensus, connections: number, minBytes = 1): HeapGrowth[] {
  const kinds = new Set([...before.keys(), ...after.keys()]);
  const rows: HeapGrowth[] = [];
  for (const kind of kinds) {
    const was = before.get(kind) ?? { count: 0, bytes: 0 };
    const is = after.get(kind) ?? { count: 0, bytes: 0 };
    const bytesPerConnection = (is.bytes - was.bytes) / connections;
    if (Math.abs(bytesPerConnection) < minBytes) continue;
    rows.push({ kind, countPerConnection: (is.count - was.count) / connections, bytesPerConnection });
  }
  return rows.sort((a, b) => b.bytesPerConnection - a.bytesPerConnection);
}
