import { io, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { closeAll, connectTo, startTestHarness, type TestHarness } from './helpers.js';

// The same chat conversation through the official socket.io-client and through ours, against the same
// server, must yield the same events with the same payloads.

let harness: TestHarness;
const sockets: Socket[] = [];
beforeAll(async () => {
  harness = await startTestHarness();
});
afterEach(() => {
  closeAll();
  for (const socket of sockets.splice(0)) socket.close();
});
afterAll(() => harness.close());

type Record = [kind: 'event' | 'ack', name: string, args: unknown[]];

/** What a conversation needs from a client. */
interface Peer {
  /** Calls `record` for every event from the server, `answer` for those that want an ack. */
  listen(record: (name: string, args: unknown[]) => void, answer: (name: string, args: unknown[]) => unknown): void;
  emitWithAck(name: string, ...args: unknown[]): Promise<unknown>;
  emit(name: string, ...args: unknown[]): void;
}

/** Makes records comparable: socket ids, times and binary become placeholders / plain arrays. */
function normalize(value: unknown, ids: string[]): unknown {
  if (value instanceof ArrayBuffer) return { binary: [...new Uint8Array(value)] };
  if (ArrayBuffer.isView(value)) return { binary: [...new Uint8Array(value.buffer, value.byteOffset, value.byteLength)] };
  if (typeof value == 'string') return ids.reduce((text, id) => text.replaceAll(id, '<socket id>'), value);
  if (Array.isArray(value)) return value.map((item) => normalize(item, ids));
  if (value && typeof value == 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, key == 'at' ? typeof item : normalize(item, ids)]));
  }
  return value;
}

async function converse(peer: Peer, room: string): Promise<Record[]> {
  const records: Record[] = [];
  const seen = (name: string) => new Promise<void>((resolve) => waiters.push([name, resolve]));
  const waiters: [string, () => void][] = [];
  const welcomed = seen('message');
  peer.listen(
    (name, args) => {
      records.push(['event', name, args]);
      waiters.filter(([wanted]) => wanted == name).forEach(([, resolve]) => resolve());
    },
    (name, args) => `answer to ${name} ${JSON.stringify(args)}`,
  );
  const ack = async (name: string, ...args: unknown[]) => records.push(['ack', name, [await peer.emitWithAck(name, ...args)]]);
  await welcomed;
  await ack('join', room);
  const testEvent = seen('testEvent');
  peer.emit('tutorial');
  await testEvent;
  const chat = seen('chat');
  await ack('chat', { text: 'hello', mood: 'sunny' });
  await chat;
  await ack('echo', 'text', 42, { nested: [true, null] });
  await ack('echo', new Uint8Array([0, 1, 254, 255]));
  await ack('ask-client', 'ready?');
  const echoed = seen('echo');
  peer.emit('echo', 'no ack', new Uint8Array([7]));
  await echoed;
  return records;
}

it('the official socket.io-client and ours see the same conversation', async () => {
  // The official client: default options (polling, then the WebSocket upgrade), as ours.
  const socket = io(`${harness.url}/chat`, { forceNew: true, reconnection: false });
  sockets.push(socket);
  let withAck = false;
  const official: Peer = {
    listen(record, answer) {
      socket.onAny((name: string, ...args: unknown[]) => {
        const callback = args.at(-1);
        if (typeof callback == 'function') {
          withAck = true;
          const asked = args.slice(0, -1);
          record(name, asked);
          callback(answer(name, asked));
          return;
        }
        // With recovery on, socket.io-client hands listeners the server's offset as an extra last
        // argument; ours keeps it out of the application's arguments.
        expect(typeof args.at(-1)).toBe('string');
        record(name, args.slice(0, -1));
      });
    },
    emitWithAck: (name, ...args) => socket.emitWithAck(name, ...args),
    emit: (name, ...args) => void socket.emit(name, ...args),
  };
  const theirs = await converse(official, 'compare-official');
  expect(withAck).toBe(true);
  const theirId = socket.id!;
  socket.close();

  const client = connectTo(`${harness.url}/chat`);
  const ours: Peer = {
    listen(record, answer) {
      for (const name of ['message', 'testEvent', 'chat', 'echo', 'question']) {
        client.on(name, (...args: unknown[]) => {
          record(name, args);
          return answer(name, args);
        });
      }
    },
    emitWithAck: (name, ...args) => client.emitWithAck(name, ...args),
    emit: (name, ...args) => client.emit(name, ...args),
  };
  const mine = await converse(ours, 'compare-official');
  const myId = String(mine.find(([, name]) => name == 'message')?.[2][0]).split(', ')[1]!;

  expect(normalize(mine, [myId])).toEqual(normalize(theirs, [theirId]));
  expect(mine.map(([kind, name]) => `${kind} ${name}`)).toEqual([
    'event message',
    'ack join',
    'event testEvent',
    'event chat',
    'ack chat',
    'ack echo',
    'ack echo',
    'event question',
    'ack ask-client',
    'event echo',
  ]);
});
