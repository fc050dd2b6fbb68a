import { describe, expect, it } from 'vitest';
import { createFakeClock } from '../../../src/testing/fake-clock.js';
import { createHeartbeat } from '../../../src/core/heartbeat.js';
import { raw } from '../../../src/protocols/raw.js';
import { ping, setup } from './helpers.js';

describe('liveness', () => {
  it('replaces a connection that stops answering within heartbeat interval + timeout', () => {
    const { ws, clock, client, of, open } = setup({ heartbeat: { timeoutMs: 3000 } });
    open(ws.last, { hb: 5000 });
    clock.advance(4000);
    ws.last!.receive(ping(0));
    expect(of('heartbeat')).toEqual([{ at: clock.now() }]);
    clock.advance(7999);
    expect(client.state.status).toBe('open');
    clock.advance(1);
    expect(client.state).toMatchObject({ status: 'reconnecting', reason: 'heartbeat-timeout' });
    expect(of('close')[0]).toMatchObject({ reason: 'heartbeat-timeout', terminal: false, error: { code: 'heartbeat-timeout' } });
    expect(ws.last!.closedByClient).toBe(true);
  });

  it('detects a dead link on visibilitychange when throttled timers never fired', () => {
    const { ws, clock, client, environment, open } = setup();
    open(ws.last, { hb: 5000 });
    environment.emit('hidden');
    clock.jump(60_000); // a background tab: time passes, no timer runs
    expect(client.state.status).toBe('open');
    environment.emit('visible');
    expect(client.state).toMatchObject({ status: 'reconnecting', reason: 'heartbeat-timeout' });
  });

  it.each(['online', 'pageshow'] as const)('checks the deadline on %s too', (signal) => {
    const { ws, clock, client, environment, open } = setup();
    open(ws.last, { hb: 5000 });
    clock.jump(9000);
    environment.emit(signal);
    expect(client.state.status).toBe('reconnecting');
  });

  it('keeps a link alive while frames arrive, whatever their kind', () => {
    const { ws, clock, client, open } = setup();
    open(ws.last, { hb: 5000 });
    for (let i = 1; i <= 10; i++) {
      clock.advance(7000);
      ws.last!.receive(JSON.stringify({ t: 'event', seq: i, name: 'tick', args: [] }));
    }
    expect(client.state.status).toBe('open');
  });

  it('uses heartbeat.intervalMs when the server does not state one', () => {
    const { ws, clock, client } = setup({ heartbeat: { intervalMs: 1000, timeoutMs: 500 } });
    ws.last!.accept();
    ws.last!.receive(JSON.stringify({ t: 'welcome', v: 1, session: 's', token: 's', resumed: false, seq: 0, rcid: 0 }));
    clock.advance(1499);
    expect(client.state.status).toBe('open');
    clock.advance(1);
    expect(client.state.status).toBe('reconnecting');
  });

  it('does not watch raw servers, which have no heartbeat', () => {
    const { ws, clock, client } = setup({ ws: { protocol: raw() } });
    ws.last!.accept();
    clock.advance(10 * 60_000);
    expect(client.state.status).toBe('open');
  });

  it('is off everywhere with heartbeat: false', () => {
    const { ws, clock, client, open } = setup({ heartbeat: false });
    open(ws.last, { hb: 1000 });
    clock.advance(10 * 60_000);
    expect(client.state.status).toBe('open');
  });
});

describe('going offline', () => {
  // Socket.IO's default heartbeat: a dead link would otherwise be noticed after 25 + 20 + 3 s.
  const slowBeat = { hb: 45_000 };

  it('replaces a link that shows no frame within heartbeat.timeoutMs after the browser went offline', () => {
    const { ws, clock, client, environment, of, open } = setup({ heartbeat: { timeoutMs: 3000 } });
    open(ws.last, slowBeat);
    clock.advance(10_000);
    environment.emit('offline');
    clock.advance(2999);
    expect(client.state.status).toBe('open');
    clock.advance(1);
    expect(client.state).toMatchObject({ status: 'reconnecting', reason: 'network' });
    expect(of('close')[0]).toMatchObject({ reason: 'network', terminal: false, error: { name: 'ConnectionError', code: 'network' } });
    expect(ws.transports[0]!.closedByClient).toBe(true);
  });

  it('keeps a link that still carries frames after going offline, then watches the heartbeat as before', () => {
    const { ws, clock, client, environment, open } = setup({ heartbeat: { timeoutMs: 3000 } });
    open(ws.last, slowBeat);
    environment.emit('offline');
    clock.advance(2000);
    ws.last!.receive(ping(0));
    clock.advance(45_000 + 2999);
    expect(client.state.status).toBe('open');
    clock.advance(1);
    expect(client.state).toMatchObject({ status: 'reconnecting', reason: 'heartbeat-timeout' });
  });

  it('suspects raw links too, which have no heartbeat to wait for', () => {
    const { ws, clock, client, environment } = setup({ ws: { protocol: raw() }, heartbeat: { timeoutMs: 1000 } });
    ws.last!.accept();
    clock.advance(60_000);
    environment.emit('offline');
    clock.advance(999);
    ws.last!.receive('still here');
    clock.advance(999);
    expect(client.state.status).toBe('open');
    environment.emit('offline');
    clock.advance(1000);
    expect(client.state).toMatchObject({ status: 'reconnecting', reason: 'network' });
  });

  it('checks the suspicion when the browser is back online and reconnects at once', () => {
    const { ws, clock, client, environment, open } = setup({ heartbeat: { timeoutMs: 3000 } });
    open(ws.last, slowBeat);
    environment.emit('offline');
    clock.jump(5000); // throttled timers: the deadline passed, its timer has not fired
    expect(client.state.status).toBe('open');
    environment.emit('online');
    expect(client.state).toMatchObject({ status: 'reconnecting', reason: 'network' });
    expect(ws.transports).toHaveLength(2);
  });

  it('ignores offline with heartbeat: false', () => {
    const { ws, clock, client, environment, open } = setup({ heartbeat: false });
    open(ws.last, slowBeat);
    environment.emit('offline');
    clock.advance(10 * 60_000);
    expect(client.state.status).toBe('open');
  });
});

describe('createHeartbeat', () => {
  it('expires a suspicion once, unless a frame cleared it, telling which deadline passed', () => {
    const clock = createFakeClock();
    const expired: boolean[] = [];
    const heartbeat = createHeartbeat(clock, 100, (suspected) => expired.push(suspected));
    heartbeat.suspect(); // nothing watched yet: the suspicion alone sets a deadline
    clock.advance(50);
    heartbeat.touch();
    clock.advance(1000);
    expect(expired).toEqual([]);
    heartbeat.suspect();
    clock.advance(100);
    expect(expired).toEqual([true]);
    heartbeat.start(1000);
    clock.advance(1100);
    expect(expired).toEqual([true, false]);
    expect(clock.pending).toBe(0);
  });

  it('fires once at last frame + interval + timeout, re-arming its single timer when frames moved the deadline', () => {
    const clock = createFakeClock();
    let expired = 0;
    const heartbeat = createHeartbeat(clock, 100, () => expired++);
    heartbeat.start(1000);
    clock.advance(900);
    heartbeat.touch();
    clock.advance(1099);
    expect(expired).toBe(0);
    expect(clock.pending).toBe(1);
    clock.advance(1);
    expect(expired).toBe(1);
    heartbeat.check();
    clock.advance(10_000);
    expect(expired).toBe(1);
  });
});
