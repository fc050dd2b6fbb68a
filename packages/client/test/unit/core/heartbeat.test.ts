import { describe, expect, it } from 'vitest';
import { createFakeClock } from '../../../src/fake-clock.js';
import { createHeartbeat } from '../../../src/heartbeat.js';
import { raw } from '../../../src/protocol/raw.js';
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
    ws.last!.receive(JSON.stringify({ t: 'welcome', v: 1, session: 's', resumed: false, seq: 0, rcid: 0 }));
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

describe('createHeartbeat', () => {
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
