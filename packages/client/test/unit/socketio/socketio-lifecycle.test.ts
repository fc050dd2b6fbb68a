import { describe, expect, it } from 'vitest';
import { createClient } from '../../../src/core/client.js';
import { createFakeEnvironment } from '../../../src/testing/fake-environment.js';
import { createFakeClock } from '../../../src/testing/fake-clock.js';
import { createFakeEndpoint, type FakeTransport } from '../../../src/testing/fake-transport.js';
import type { LifecycleEvents } from '../../../src/core/lifecycle.js';
import { socketIoProtocol } from '../../../src/socketio/protocol.js';
import { flush, memoryStorage } from '../core/helpers.js';

// The Connection with the Socket.IO codec over a fake Engine.IO transport: what a user sees when the
// session changes carrier, and what the server hears when the user closes.

/** What the Engine.IO transport delivers for a handshake. */
const HANDSHAKE = '{"sid":"e1","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":20000}';

function connected(nsp = '/') {
  const clock = createFakeClock(0);
  const endpoint = createFakeEndpoint({ kind: 'polling', protocol: socketIoProtocol(nsp, () => undefined), label: 'socket.io polling' });
  const client = createClient({ endpoints: [endpoint], clock, environment: createFakeEnvironment(), autoConnect: false, fallbackMemory: { storage: memoryStorage() } });
  const opens: LifecycleEvents['open'][] = [];
  const states: LifecycleEvents['state'][] = [];
  client.lifecycle.on('open', (event) => opens.push(event));
  client.lifecycle.on('state', (event) => states.push(event));
  client.connect();
  const transport = endpoint.last!;
  transport.receive({ data: HANDSHAKE, event: 'open', id: '4' });
  transport.accept();
  transport.receive(`0${nsp == '/' ? '' : `${nsp},`}{"sid":"s1"}`);
  return { client, clock, transport, opens, states };
}

/** What the Engine.IO transport does once it moved the session to WebSocket. */
function upgrade(transport: FakeTransport): void {
  Object.defineProperty(transport, 'carrier', { value: 'websocket' });
  transport.receive({ data: '', event: 'upgrade' });
}

describe('Socket.IO through the Connection', () => {
  it('shows the carrier a polling session upgraded to, announced as an open of the same session', () => {
    const { client, transport, opens, states } = connected();
    expect(client.transport).toBe('polling');
    upgrade(transport);
    expect(client.transport).toBe('websocket');
    expect(client.endpoint?.kind).toBe('polling');
    expect(client.state).toEqual({ status: 'open', endpoint: 'socket.io polling', transport: 'websocket' });
    expect(opens).toEqual([
      { endpoint: 'socket.io polling', transport: 'polling', resumed: false, recovered: false },
      { endpoint: 'socket.io polling', transport: 'websocket', resumed: true, recovered: false },
    ]);
    expect(states.map(({ to }) => to.status)).toEqual(['connecting', 'open']);
    transport.receive('2["chat","after"]');
    expect(opens).toHaveLength(2);
  });

  it('sends each emit at once once the session moved to WebSocket, where polling waits for the request in flight', async () => {
    const { client, transport } = connected();
    const before = transport.sends;
    client.emit('first');
    client.emit('second'); // behind the first request: goes with the next one
    expect(transport.texts.slice(-1)).toEqual(['2["first"]']);
    expect(transport.sends - before).toBe(1);
    await flush();
    expect(transport.texts.slice(-2)).toEqual(['2["first"]', '2["second"]']);
    upgrade(transport);
    const upgraded = transport.sends;
    client.emit('third');
    client.emit('fourth');
    expect(transport.sends - upgraded).toBe(2);
  });

  it.each([
    ['/', '1'],
    ['/chat', '1/chat,'],
  ])('sends the namespace DISCONNECT before closing when the user closes (%s)', (nsp, packet) => {
    const { client, transport } = connected(nsp);
    client.close();
    expect(transport.texts.at(-1)).toBe(packet);
    expect(transport.closedByClient).toBe(true);
  });

  it('says no goodbye when the connection is lost, so the server keeps the session for recovery', () => {
    const { client, clock, transport } = connected();
    clock.advance(25000 + 20000 + 3000);
    expect(client.state).toMatchObject({ status: 'reconnecting', reason: 'heartbeat-timeout' });
    expect(transport.closedByClient).toBe(true);
    expect(transport.texts).toEqual(['0']);
  });
});
