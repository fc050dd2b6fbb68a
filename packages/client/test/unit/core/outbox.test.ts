import { describe, expect, it } from 'vitest';
import { RequestError } from '../../../src/core/errors.js';
import { createOutbox, estimateBytes, type OutboxEntry } from '../../../src/core/outbox.js';

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

  it('confirms one cid alone when answers come in any order, keeping the earlier ones to resend', () => {
    const outbox = createOutbox(outboxDefaults);
    for (const name of ['a', 'b', 'c']) outbox.push(entry(name));
    for (const e of outbox.take()) outbox.number(e);
    outbox.confirmOne(2);
    outbox.confirmOne(9); // unknown: nothing
    outbox.requeue();
    expect(outbox.take().map((e) => e.cid)).toEqual([1, 3]);
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

  it('confirms exactly one cid for acks that come in any order, and every cid up to one for ordered servers', () => {
    const outbox = createOutbox(outboxDefaults);
    const all = ['a', 'b', 'c', 'd', 'e'].map((name) => entry(name));
    for (const e of all) outbox.push(e);
    for (const e of outbox.take()) outbox.number(e);
    outbox.confirmOne(3);
    outbox.confirmOne(9); // none: nothing happens
    outbox.requeue();
    expect(outbox.take().map((e) => e.cid)).toEqual([1, 2, 4, 5]);
    outbox.confirm(4);
    outbox.requeue();
    expect(names(outbox.take())).toEqual(['e']);
  });

  it('keeps order, cids and counts when most entries leave from the middle (the list compacts itself)', () => {
    const outbox = createOutbox({ ...outboxDefaults, maxMessages: Infinity });
    const all = Array.from({ length: 1000 }, (_, i) => entry(`m${i}`, 1));
    for (const e of all) outbox.push(e);
    for (const e of outbox.take()) outbox.number(e);
    // The first stays unanswered (the head cannot move); every other one is answered.
    for (let cid = 2; cid <= 1000; cid += 2) outbox.confirmOne(cid);
    const late = entry('late', 1);
    outbox.push(late);
    expect(outbox.cancel(all[2]!)).toBe(false); // sent
    expect(outbox.has(all[1]!)).toBe(false);
    expect(outbox.has(all[2]!)).toBe(true);
    outbox.requeue();
    expect(outbox.size).toBe(501);
    const again = outbox.take();
    expect(again.map((e) => e.cid)).toEqual([...Array.from({ length: 500 }, (_, i) => 2 * i + 1), undefined]);
    expect(outbox.number(late)).toBe(1001);
    outbox.confirm(999);
    outbox.requeue();
    expect(names(outbox.take())).toEqual(['late']);
  });

  it('estimates the size of events as JSON and raw data by its length', () => {
    expect(estimateBytes('chat', [{ text: 'hi' }], false)).toBe(4 + JSON.stringify([{ text: 'hi' }]).length);
    expect(estimateBytes('message', ['hello'], true)).toBe(5);
    expect(estimateBytes('message', [new ArrayBuffer(16)], true)).toBe(16);
    expect(estimateBytes('message', [new Uint8Array(8)], true)).toBe(8);
  });

  it('keeps the count and bytes of what waits right through any mix of operations', () => {
    // A seeded walk checked against a naive model that recounts everything after every step.
    let seed = 7;
    const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    for (const overflow of ['reject-new', 'drop-oldest'] as const) {
      const outbox = createOutbox({ maxMessages: 200, maxBytes: 3000, overflow });
      let model: OutboxEntry[] = [];
      let sent = 0;
      let nextCid = 1;
      const modelRemove = (target: OutboxEntry, from = 0) => {
        const index = model.indexOf(target);
        if (index < from) return false;
        if (index < sent) sent--;
        model.splice(index, 1);
        return true;
      };
      for (let step = 0; step < 8000; step++) {
        const op = random(10);
        if (op <= 2) {
          const next = entry(`m${step}`, random(40));
          const waiting = model.slice(sent);
          let total = waiting.reduce((sum, e) => sum + e.bytes, 0) + next.bytes;
          let dropping = 0;
          const full = () => waiting.length - dropping >= 200 || total > 3000;
          if (full() && (overflow == 'reject-new' || next.bytes > 3000)) {
            expect(() => outbox.push(next)).toThrow(RequestError);
            continue;
          }
          while (full()) total -= waiting[dropping++]!.bytes;
          model.push(next);
          expect(outbox.push(next)).toEqual(model.splice(sent, dropping));
        } else if (op == 3) {
          const taken = outbox.take();
          expect(taken).toEqual(model.slice(sent));
          sent = model.length;
          // As the session does: a cid at the first send, and the frame's size once known.
          for (const e of taken) {
            expect(outbox.nextCid).toBe(e.cid ?? nextCid);
            if (e.cid === undefined) expect(outbox.number(e)).toBe(nextCid++);
            e.bytes ||= 5;
          }
        } else if (op == 4) {
          outbox.requeue();
          sent = 0;
        } else if (op == 9 && model.length) {
          const cid = model[random(model.length)]!.cid;
          outbox.confirm(cid);
          let count = 0;
          while ((model[count]?.cid ?? Infinity) <= (cid ?? 0)) count++;
          model.splice(0, count);
          sent = Math.max(sent - count, 0);
        } else if (op == 5 && model.length) {
          // An ack from a server that answers in any order confirms exactly its own entry.
          const target = model[random(model.length)]!;
          if (target.cid !== undefined) {
            outbox.confirmOne(target.cid);
            modelRemove(target);
          }
        } else if (op == 6 && model.length) {
          const chosen = model.filter(() => random(3) == 0);
          outbox.settle(chosen);
          for (const e of chosen) modelRemove(e);
        } else if (op == 7 && model.length) {
          const target = model[random(model.length)]!;
          expect(outbox.cancel(target)).toBe(modelRemove(target, sent));
        } else if (op == 8) {
          if (random(10) == 0) {
            outbox.clear();
            model = [];
            sent = 0;
          } else {
            outbox.renumber();
            sent = 0;
            nextCid = 1;
            for (const e of model) e.cid = undefined;
          }
        }
        expect(outbox.size).toBe(model.length - sent);
        expect(model.every((e) => outbox.has(e))).toBe(true);
        expect(outbox.bytes).toBe(model.slice(sent).reduce((sum, e) => sum + e.bytes, 0));
      }
    }
  });
});
