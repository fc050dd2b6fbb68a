// The envelope peers (raw `ws`, a fetch SSE reader, POST) are the server package's test helpers; this
// adds what only the harness has: its whole server (`startRt`) and `POST /rt/push`.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { defaultFaults } from '../src/context.js';
import type { HarnessContext, HarnessOptions } from '../src/context.js';
import { createEnvelopeModule } from '../src/envelope/index.js';
import type { EnvelopeTuning } from '../src/envelope/index.js';
import { startHarness } from '../src/index.js';
import { resolveHarnessOptions } from '../src/options.js';

export { FrameQueue, helloSse, helloWs, openSse, openWs, postFrames, sequenced } from '../../server/test/helpers.js';
export type { Frame, SsePeer, WsPeer } from '../../server/test/helpers.js';

/** `POST /rt/push`. */
export async function push(baseUrl: string, body: unknown): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${baseUrl}/rt/push`, { method: 'POST', body: JSON.stringify(body) });
  return { status: response.status, json: await response.json() };
}

/** The harness under test, reduced to what the envelope tests need. */
export interface RtServer {
  url: string;
  wsUrl: string;
  close(): Promise<void>;
}

/** Starts a real harness (every module, the server's routing) with a quiet log, for the envelope tests. */
export async function startRt(options: Partial<HarnessOptions> = {}): Promise<RtServer> {
  const harness = await startHarness({ log: () => undefined, ...options });
  return { url: harness.url, wsUrl: `${harness.url.replace(/^http/, 'ws')}/rt`, close: () => harness.close() };
}

/**
 * The envelope module alone on an HTTP server, for tests that need limits the harness options do not
 * expose (replay window, detached-session lifetime).
 */
export async function startEnvelopeServer(options: Partial<HarnessOptions> = {}, tuning: Partial<EnvelopeTuning> = {}): Promise<RtServer> {
  const ctx: HarnessContext = { options: resolveHarnessOptions({ ...options, log: () => undefined }), faults: defaultFaults(), log: () => undefined };
  const module = createEnvelopeModule(ctx, tuning);
  const server = createServer((req, res) => {
    if (!module.handleRequest?.(req, res, new URL(req.url ?? '/', 'http://localhost'))) res.writeHead(404).end();
  });
  server.on('upgrade', (req, socket, head) => {
    if (!module.handleUpgrade?.(req, socket, head, new URL(req.url ?? '/', 'http://localhost'))) socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/rt`,
    async close() {
      await module.close?.();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
