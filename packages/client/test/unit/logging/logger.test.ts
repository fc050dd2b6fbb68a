import { describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../../src/logging/logger.js';
import { setup } from '../core/helpers.js';

/** A client over fake `[ws, sse]` endpoints whose trace is collected as lines. */
// The trace reads the client's clock (fake here): `+N ms` is what the test advanced.
function traced(options: Parameters<typeof createLogger>[0] = {}) {
  const lines: string[] = [];
  const client = setup({
    connect: false,
    heartbeat: { timeoutMs: 1000 },
    logger: createLogger({ write: (line) => lines.push(line), ...options }),
  });
  return { ...client, lines };
}

describe('createLogger: a readable trace of the connection decisions', () => {
  it('traces connect, fallback, open, heartbeat, a lost connection, the backoff, the outbox and the resume', () => {
    const t = traced();
    const lines = t.lines;
    t.client.connect();
    t.ws.last!.drop(); // refused: SSE next, at once
    t.clock.advance(10);
    t.open(t.sse.last, { hb: 500 });
    t.sse.last!.receive(JSON.stringify({ t: 'ping', rcid: 0 }));
    t.sse.last!.drop();
    t.client.emit('chat', { text: 'typed while offline' });
    t.clock.advance(1000);
    t.open(t.sse.last, { resumed: true });

    const trace = lines.map((line) => line.replace(/\+\d+ ms /, ''));
    expect(trace).toEqual([
      '[unisocket] state idle → connecting (connect)',
      `[unisocket] fallback ${t.ws.label} → ${t.sse.label} (refused)`,
      '[unisocket] state connecting → open (confirmed)',
      `[unisocket] open ${t.sse.label} over sse: new session`,
      '[unisocket] heartbeat from the server',
      expect.stringMatching(/^\[unisocket\] connection lost \(network: closed by the test \(sse .+\)\)$/),
      '[unisocket] state open → reconnecting (network)',
      expect.stringMatching(/^\[unisocket\] reconnect attempt 1 in \d+ ms \(network: closed by the test/),
      '[unisocket] outbox: 1 message(s) waiting, 36 B',
      '[unisocket] state reconnecting → open (confirmed)',
      `[unisocket] open ${t.sse.label} over sse: session resumed, missed messages replayed, after a lost connection`,
      '[unisocket] outbox: empty, everything went out',
    ]);
    expect(lines[2]).toMatch(/^\[unisocket\] \+10 ms state connecting → open/);
  });

  it('says when the server could not resume (gap), and when the client gave up for good', () => {
    const t = traced({ prefix: 'chat:' });
    t.client.connect();
    t.open(t.ws.last, { session: 'a' });
    t.ws.last!.drop();
    t.clock.advance(1000);
    t.open(t.ws.last, { session: 'b', resumed: false });
    t.client.close();
    expect(t.lines).toContainEqual(expect.stringMatching(/^chat: \+\d+ ms gap: the server could not resume session a after 0: messages may be missing$/));
    expect(t.lines.at(-1)).toMatch(/^chat: \+0 ms closed for good \(user\)$/);
  });

  it('leaves out the events in `skip`, and writes to console.debug by default', () => {
    const debug = vi.spyOn(console, 'debug').mockImplementation(() => undefined);
    try {
      const t = setup({ connect: false, logger: createLogger({ skip: ['state', 'heartbeat'] }) });
      t.client.connect();
      t.open(t.ws.last, { hb: 500 });
      t.ws.last!.receive(JSON.stringify({ t: 'ping', rcid: 0 }));
      expect(debug.mock.calls.map(([line]) => String(line).replace(/\+\d+ ms /, ''))).toEqual([`[unisocket] open ${t.ws.label} over websocket: new session`]);
    } finally {
      debug.mockRestore();
    }
  });

  it('is off by default: a client without a logger writes nothing', () => {
    const debug = vi.spyOn(console, 'debug').mockImplementation(() => undefined);
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      const t = setup({});
      t.open(t.ws.last);
      t.ws.last!.drop();
      expect(debug).not.toHaveBeenCalled();
      expect(log).not.toHaveBeenCalled();
    } finally {
      debug.mockRestore();
      log.mockRestore();
    }
  });

  it('a logger that is not a function is a TypeError naming the option', () => {
    expect(() => setup({ logger: true as never })).toThrow(new TypeError('unisocket: option "logger" must be a function, got true'));
  });
});
