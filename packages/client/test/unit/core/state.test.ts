import { describe, expect, it } from 'vitest';
import { ConnectionError } from '../../../src/errors.js';
import { reasonOf, transition, type ConnectionState, type StateEvent } from '../../../src/state.js';

const error = new ConnectionError('unauthorized', 'denied');
const states: Record<ConnectionState['status'], ConnectionState> = {
  idle: { status: 'idle' },
  connecting: { status: 'connecting' },
  open: { status: 'open', endpoint: 'ws', transport: 'websocket' },
  reconnecting: { status: 'reconnecting', attempt: 2, delayMs: 150, reason: 'network' },
  closed: { status: 'closed', reason: 'user', error: undefined },
};
const events: Record<StateEvent['type'], StateEvent> = {
  connect: { type: 'connect' },
  confirmed: { type: 'confirmed', endpoint: 'sse', transport: 'sse' },
  retry: { type: 'retry', attempt: 3, delayMs: 200, reason: 'refused' },
  close: { type: 'close', reason: 'http-status', error },
};

// The whole table: every state × every event. `null` = ignored (the same state object comes back).
const expected: Record<ConnectionState['status'], Record<StateEvent['type'], ConnectionState | null>> = {
  idle: {
    connect: { status: 'connecting' },
    confirmed: null,
    retry: null,
    close: { status: 'closed', reason: 'http-status', error },
  },
  connecting: {
    connect: null,
    confirmed: { status: 'open', endpoint: 'sse', transport: 'sse' },
    retry: { status: 'reconnecting', attempt: 3, delayMs: 200, reason: 'refused' },
    close: { status: 'closed', reason: 'http-status', error },
  },
  open: {
    connect: null,
    confirmed: { status: 'open', endpoint: 'sse', transport: 'sse' },
    retry: { status: 'reconnecting', attempt: 3, delayMs: 200, reason: 'refused' },
    close: { status: 'closed', reason: 'http-status', error },
  },
  reconnecting: {
    connect: null,
    confirmed: { status: 'open', endpoint: 'sse', transport: 'sse' },
    retry: { status: 'reconnecting', attempt: 3, delayMs: 200, reason: 'refused' },
    close: { status: 'closed', reason: 'http-status', error },
  },
  closed: {
    connect: { status: 'connecting' },
    confirmed: null,
    retry: null,
    close: null,
  },
};

describe('transition', () => {
  for (const [status, row] of Object.entries(expected)) {
    for (const [type, next] of Object.entries(row)) {
      it(`${status} + ${type} → ${next ? next.status : 'unchanged'}`, () => {
        const state = states[status as ConnectionState['status']];
        const result = transition(state, events[type as StateEvent['type']]);
        if (next === null) expect(result).toBe(state);
        else expect(result).toEqual(next);
      });
    }
  }

  it('is pure: the input state is never modified', () => {
    const state = { status: 'reconnecting', attempt: 1, delayMs: 10, reason: 'network' } as const;
    const copy = { ...state };
    transition(state, events.retry);
    expect(state).toEqual(copy);
  });

  it('gives each event its reason', () => {
    expect(reasonOf(events.connect)).toBe('connect');
    expect(reasonOf(events.confirmed)).toBe('confirmed');
    expect(reasonOf(events.retry)).toBe('refused');
    expect(reasonOf(events.close)).toBe('http-status');
  });
});
