import { connectSocketIo } from '@unisocket/client';
import { io } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import { LOOPBACK_URL, LoopbackWebSocket } from '../src/page/loopback.js';
import { LoopbackTransport } from '../src/page/loopback-transport.js';

// The client-cost comparison is only fair if both clients really complete Socket.IO round trips on
// the loopback server: each must connect and get every ack back with the payload it sent.
describe('the in-page loopback Socket.IO server', () => {
  it('acks our Socket.IO client’s echo with the payload it sent', async () => {
    const client = connectSocketIo(LOOPBACK_URL, { transports: ['websocket'], platform: { WebSocket: LoopbackWebSocket as unknown as typeof WebSocket }, fallbackMemory: false });
    try {
      for (let n = 0; n < 3; n++) await expect(client.emitWithAck('echo', { n })).resolves.toEqual({ n });
      expect(client.transport).toBe('websocket');
    } finally {
      client.close();
    }
  });

  it('acks socket.io-client’s echo with the payload it sent', async () => {
    const socket = io(LOOPBACK_URL, { transports: [LoopbackTransport], forceNew: true, reconnection: false });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('connect_error', reject);
      });
      for (let n = 0; n < 3; n++) await expect(socket.emitWithAck('echo', { n })).resolves.toEqual({ n });
    } finally {
      socket.close();
    }
  });

  it('answers nothing once closed', async () => {
    const socket = new LoopbackWebSocket(LOOPBACK_URL);
    const frames: unknown[] = [];
    socket.onmessage = (event) => frames.push(event.data);
    await expect.poll(() => frames.length).toBe(1);
    socket.close();
    expect(() => socket.send('2')).toThrow(/not open/);
    await Promise.resolve();
    expect(frames).toHaveLength(1);
  });
});
