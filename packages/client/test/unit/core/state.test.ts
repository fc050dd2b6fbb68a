import { describe, expect, it } from 'vitest';
import { ConnectionError } from '../../../src/core/errors.js';
import { transition, type ConnectionState } from '../../../src/core/state.js';
import { setup } from './helpers.js';

type Status = ConnectionState['status'];
type Target = Exclude<Status, 'idle'>;

const error = new ConnectionError('unauthorized', 'denied');
const states: Record<Status, ConnectionState> = {
  idle: { status: 'idle' },
  connecting: { status: 'connecting' },
  open: { status: 'open', endpoint: 'ws', transport: 'websocket' },
  reconnecting: { status: 'reconnecting', attempt: 2, delayMs: 150, reason: 'network' },
  suspended: { status: 'suspended', attempt: 40, delayMs: 20_000, reason: 'network' },
  closed: { status: 'closed', reason: 'user', error: undefined },
};
// What the Connection asks for: connect(), a confirmed transport, a retry, a close.
const targets: Record<Target, Exclude<ConnectionState, { status: 'idle' }>> = {
  connecting: { status: 'connecting' },
  open: { status: 'open', endpoint: 'sse', transport: 'sse' },
  reconnecting: { status: 'reconnecting', attempt: 3, delayMs: 200, reason: 'refused' },
  suspended: { status: 'suspended', attempt: 41, delayMs: 25_000, reason: 'refused' },
  closed: { status: 'closed', reason: 'http-status', error },
};

// The whole table: every state × every target. true = applied (the target comes back), false =
// ignored (the same state object comes back).
const applies: Record<Status, Record<Target, boolean>> = {
  idle: { connecting: true, open: false, reconnecting: false, suspended: false, closed: true },
  connecting: { connecting: false, open: true, reconnecting: true, suspended: true, closed: true },
  open: { connecting: false, open: true, reconnecting: true, suspended: true, closed: true },
  reconnecting: { connecting: false, open: true, reconnecting: true, suspended: true, closed: true },
  suspended: { connecting: false, open: true, reconnecting: true, suspended: true, closed: true },
  closed: { connecting: true, open: false, reconnecting: false, suspended: false, closed: false },
};

describe('transition', () => {
  for (const [status, row] of Object.entries(applies)) {
    for (const [target, applied] of Object.entries(row)) {
      it(`${status} → ${target}: ${applied ? 'applied' : 'ignored'}`, () => {
        const state = states[status as Status];
        const next = targets[target as Target];
        const result = transition(state, next);
        if (applied) expect(result).toEqual(next);
        else expect(result).toBe(state);
        // Never a copy that looks the same: callers compare by identity.
        expect(result === state || result === next).toBe(true);
      });
    }
  }

  it('is pure: neither the state nor the target is modified', () => {
    const state = { status: 'reconnecting', attempt: 1, delayMs: 10, reason: 'network' } as const;
    const copy = { ...state };
    const next = { ...targets.reconnecting };
    transition(state, next);
    expect(state).toEqual(copy);
    expect(next).toEqual(targets.reconnecting);
  });
});

describe('state changes of a client', () => {
  it('give each change its reason: connect, confirmed, the failure, user', () => {
    const { client, ws, clock, of, open } = setup({ heartbeat: false });
    open(ws.last);
    ws.last!.drop({ reason: 'network' });
    clock.advance(10_000);
    open(ws.last);
    client.close();
    expect(of('state').map((e) => [e.from.status, e.to.status, e.reason])).toEqual([
      ['idle', 'connecting', 'connect'],
      ['connecting', 'open', 'confirmed'],
      ['open', 'reconnecting', 'network'],
      ['reconnecting', 'open', 'confirmed'],
      ['open', 'closed', 'user'],
    ]);
  });
});
