import { describe, expect, it } from 'vitest';
import { OURS } from '../src/groups/bundle-size.js';
import { buildApp } from '../src/bundler.js';
import { gzipCostByFile } from '../src/size-by-file.js';

// What an app carries is decided by what it imports: these guard the split of the entries (a
// static import added in the wrong place would silently put a whole layer back into every bundle).

const CLIENT = 'packages/client/src/';
const modulesIn = async (code: string) => (await gzipCostByFile(code)).files.map((file) => file.file);
const modulesOf = async (id: string) => {
  const scenario = OURS.find((candidate) => candidate.id === id);
  if (!scenario) throw new Error(`no scenario ${id}`);
  return modulesIn(scenario.code);
};

describe('what each entry puts in an app bundle', () => {
  it('connect() carries the envelope over WebSocket and the SSE endpoint, and nothing of Socket.IO, raw, EventSource, the test helpers or the logger', async () => {
    const modules = await modulesOf('ours-connect');
    for (const needed of ['core/connection.ts', 'protocols/envelope.ts', 'transports/websocket.ts', 'transports/sse-endpoint.ts', 'transports/lazy.ts']) {
      expect(modules).toContain(CLIENT + needed);
    }
    const unwanted = modules.filter((module) => /socketio|engineio|protocols\/raw|sse-eventsource|fake-|logging\//.test(module));
    expect(unwanted).toEqual([]);
  });

  it("connect()'s SSE carrier (stream parser, POST upstream) loads on demand, not up front", async () => {
    const scenario = OURS.find((candidate) => candidate.id === 'ours-connect')!;
    const { upFront, lazy } = await buildApp(scenario.code, { minify: false });
    const idsOf = (chunks: typeof upFront) => chunks.flatMap((chunk) => Object.keys(chunk.modules)).map((id) => id.slice(id.indexOf(CLIENT)));
    const carrier = ['transports/sse-carrier.ts', 'transports/sse-transport.ts', 'transports/sse-fetch.ts', 'transports/sse-upstream.ts'].map((file) => CLIENT + file);
    expect(idsOf(upFront).filter((id) => carrier.includes(id))).toEqual([]);
    expect(idsOf(lazy)).toEqual(expect.arrayContaining(carrier));
  });

  it('the logger and its formatter are in the bundle only when the app passes createLogger()', async () => {
    const modules = await modulesIn(`import { connect, createLogger } from '@unisocket/client'; connect('https://example.test', { logger: createLogger() });`);
    expect(modules).toContain(CLIENT + 'logging/logger.ts');
    expect(modules).toContain(CLIENT + 'logging/format.ts');
  });

  it('the Socket.IO endpoint carries no SSE and no envelope code, and not the manager of many namespaces', async () => {
    const modules = await modulesOf('ours-socketio');
    expect(modules).toContain(CLIENT + 'socketio/engineio-transport.ts');
    expect(modules.filter((module) => /sse|envelope|fake-|manager|shared-session|lazy|preload-helper/.test(module))).toEqual([]);
  });
});
