import { describe, expect, it } from 'vitest';
import { ConnectionError, RequestError } from '../../../src/core/errors.js';
import { formatLifecycle, type LogEvent } from '../../../src/logging/format.js';

describe('formatLifecycle: one line per event, saying what was decided and why', () => {
  const cases: [LogEvent, string][] = [
    [{ type: 'fallback', event: { from: 'websocket ws://h/rt', to: 'sse http://h/rt', reason: 'fallback-delay' } }, 'fallback websocket ws://h/rt → sse http://h/rt (no answer within fallbackDelayMs, both race on)'],
    [{ type: 'fallback', event: { from: 'sse http://h/rt', to: 'websocket ws://h/rt', reason: 'upgrade' } }, 'fallback sse http://h/rt → websocket ws://h/rt (the better endpoint took over)'],
    [{ type: 'open', event: { endpoint: 'polling http://h/socket.io/', transport: 'websocket', resumed: true, recovered: false } }, 'open polling http://h/socket.io/: same session, now over websocket'],
    [
      { type: 'reconnecting', event: { attempt: 3, delayMs: 187.4, reason: 'heartbeat-timeout', error: new ConnectionError('heartbeat-timeout', 'the server went silent'), offline: false } },
      'reconnect attempt 3 in 187 ms (heartbeat-timeout: the server went silent)',
    ],
    [
      { type: 'reconnecting', event: { attempt: 1, delayMs: 21_000, reason: 'network', error: undefined, offline: true } },
      'reconnect attempt 1 once online (a probe in 21000 ms) (network)',
    ],
    [
      { type: 'error', event: { error: new RequestError('outbox-full', 'the outbox is full'), dropped: [{} as never, {} as never] } },
      'error outbox-full: the outbox is full; 2 waiting message(s) dropped',
    ],
    [{ type: 'close', event: { reason: 'max-attempts', error: new ConnectionError('max-attempts', 'gave up after 5 attempts'), terminal: true } }, 'closed for good (max-attempts: gave up after 5 attempts)'],
    [{ type: 'gap', event: { session: undefined, lastSeq: undefined } }, 'gap: the server could not resume session (none) after (nothing received): messages may be missing'],
  ];
  it.each(cases.map(([event, line]) => ({ event, line })))('$event.type: $line', ({ event, line }) => {
    expect(formatLifecycle(event)).toBe(line);
  });
});
