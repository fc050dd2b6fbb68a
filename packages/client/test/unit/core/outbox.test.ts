import { describe, expect, it } from 'vitest';
import { RequestError } from '../../../src/errors.js';
import { createOutbox, estimateBytes, type OutboxEntry } from '../../../src/outbox.js';

const outboxDefaults = { maxMessages: 1000, maxBytes: 1 << 20, overflow: 'reject-new' as const };

let id = 0;
const entry = (name: string, bytes = 10): OutboxEntry => ({ localId: ++id, name, args: [], wantsAck: false, raw: false, bytes });
const names = (entries: OutboxEntry[]) => entries.map((e) => e.name);

describe('Outbox', () => {
  it('hands entries out in the order they were added', () => {
    const outbox = createOutbox(outboxDefaults);
    for (const name of ['a', 'b', 'c']) outbox.push(entry(name));
    expect(names(outbox.take())).toEqual(['a', 'b', 'c']);
    expect(outbox.size).toBe(0);
  });

  it('rejects a new message over the count limit with outbox-full (reject-new)', () => {
    const outbox = createOutbox({ ...outboxDefaults, maxMessages: 2 });
    outbox.push(entry('a'));
    outbox.push(entry('b'));
    expect(() => outbox.push(entry('c'))).toThrowError(expect.objectContaining({ name: 'RequestError', code: 'outbox-full' }) as Error);
    expect(names(outbox.take())).toEqual(['a', 'b']);
  });

  it('rejects a new message over the byte limit (reject-new)', () => {
    const outbox = createOutbox({ ...outboxDefaults, maxBytes: 25 });
    outbox.push(entry('a', 10));
    outbox.push(entry('b', 10));
    expect(() => outbox.push(entry('c', 10))).toThrow(RequestError);
    expect(outbox.bytes).toBe(20);
  });

  it('drops the oldest waiting messages to make room (drop-oldest)', () => {
    const outbox = createOutbox({ maxMessages: 2, maxBytes: 100, overflow: 'drop-oldest' });
    outbox.push(entry('a'));
    outbox.push(entry('b'));
    expect(names(outbox.push(entry('c')))).toEqual(['a']);
    expect(names(outbox.push(entry('d', 85)))).toEqual(['b']);
    expect(names(outbox.take())).toEqual(['c', 'd']);
  });

  it('rejects a single message larger than the byte limit even when dropping the oldest', () => {
    const outbox = createOutbox({ maxMessages: 10, maxBytes: 50, overflow: 'drop-oldest' });
    outbox.push(entry('a'));
    expect(() => outbox.push(entry('huge', 51))).toThrow(RequestError);
    expect(outbox.size).toBe(1);
  });

  it('counts only messages waiting to be sent against the limits', () => {
    const outbox = createOutbox({ ...outboxDefaults, maxMessages: 1 });
    outbox.push(entry('a'));
    outbox.take();
    expect(() => outbox.push(entry('b'))).not.toThrow();
  });

  it('puts sent but unconfirmed entries back first on requeue, keeping their cid', () => {
    const outbox = createOutbox(outboxDefaults);
    const [a, b] = [entry('a'), entry('b')];
    outbox.push(a);
    outbox.push(b);
    outbox.take().forEach((e, i) => (e.cid = i + 1));
    outbox.push(entry('c'));
    outbox.confirm(1);
    outbox.requeue();
    const again = outbox.take();
    expect(names(again)).toEqual(['b', 'c']);
    expect(again.map((e) => e.cid)).toEqual([2, undefined]);
  });

  it('clears every cid on renumber (a new session)', () => {
    const outbox = createOutbox(outboxDefaults);
    outbox.push(entry('a'));
    outbox.take().forEach((e) => (e.cid = 7));
    outbox.renumber();
    expect(outbox.take().map((e) => e.cid)).toEqual([undefined]);
  });

  it('settles an entry that was put back to wait meanwhile (a raw send that completed after its transport was replaced)', () => {
    const outbox = createOutbox(outboxDefaults);
    outbox.push(entry('a'));
    outbox.push(entry('b'));
    const sent = outbox.take();
    outbox.requeue();
    outbox.settle(sent.slice(0, 1));
    expect(names(outbox.take())).toEqual(['b']);
  });

  it('cancels only entries that have not been sent', () => {
    const outbox = createOutbox(outboxDefaults);
    const [a, b] = [entry('a'), entry('b')];
    outbox.push(a);
    outbox.take();
    outbox.push(b);
    expect(outbox.cancel(a)).toBe(false);
    expect(outbox.cancel(b)).toBe(true);
    expect(outbox.has(a)).toBe(true);
    expect(outbox.has(b)).toBe(false);
  });

  it('estimates the size of events as JSON and raw data by its length', () => {
    expect(estimateBytes('chat', [{ text: 'hi' }], false)).toBe(4 + JSON.stringify([{ text: 'hi' }]).length);
    expect(estimateBytes('message', ['hello'], true)).toBe(5);
    expect(estimateBytes('message', [new ArrayBuffer(16)], true)).toBe(16);
    expect(estimateBytes('message', [new Uint8Array(8)], true)).toBe(8);
  });
});
