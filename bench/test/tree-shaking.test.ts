import { describe, expect, it } from 'vitest';
import { OURS } from '../src/groups/bundle-size.js';
import { gzipCostByFile } from '../src/size-by-file.js';

// What an app carries is decided by what it imports: these guard the split of the entries (a
// static import added in the wrong place would silently put a whole layer back into every bundle).

const CLIENT = 'packages/client/src/';
const modulesOf = async (id: string) => {
  const scenario = OURS.find((candidate) => candidate.id === id);
  if (!scenario) throw new Error(`no scenario ${id}`);
  const { files } = await gzipCostByFile(scenario.code);
  return files.map((file) => file.file);
};

describe('what each entry puts in an app bundle', () => {
  it('connect() carries the envelope over WebSocket and SSE, and nothing of Socket.IO, raw, EventSource or the test helpers', async () => {
    const modules = await modulesOf('ours-connect');
    for (const needed of ['core/connection.ts', 'protocols/envelope.ts', 'transports/websocket.ts', 'transports/sse-fetch.ts', 'transports/sse-upstream.ts']) {
      expect(modules).toContain(CLIENT + needed);
    }
    const unwanted = modules.filter((module) => /socketio|engineio|protocols\/raw|sse-eventsource|fake-|vite\/preload-helper/.test(module));
    expect(unwanted).toEqual([]);
  });

  it('the Socket.IO endpoint carries no SSE and no envelope code', async () => {
    const modules = await modulesOf('ours-socketio');
    expect(modules).toContain(CLIENT + 'socketio/engineio-transport.ts');
    expect(modules.filter((module) => /sse|envelope|fake-/.test(module))).toEqual([]);
  });
});
