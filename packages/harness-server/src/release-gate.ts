import { randomUUID } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import { baseUrl, HttpError, requireMethod, sendError, sendJson } from './http-util.js';

/**
 * How a held restart (`POST /_control/restart?hold=true`) is released. The harness's own port refuses
 * connections while it is down, so a test could only wait out a timer, and a busy machine makes any
 * timer race the test (the pages reconnect before the test typed what should have been queued). The
 * gate is a listener of its own, on a free port of the same host, that takes one request: a `POST` to
 * its URL. The path carries a random token, so only the caller of the restart knows it.
 */
export interface ReleaseGate {
  /** `http://HOST:PORT/_control/release/<token>`. */
  readonly url: string;
  /** Resolves at the first `POST` to `url`. */
  readonly released: Promise<void>;
  /** Answers the waiting release requests with `body` (once the harness listens again) and stops listening. */
  close(body: Record<string, unknown>): Promise<void>;
}

export async function openReleaseGate(host: string): Promise<ReleaseGate> {
  const path = `/_control/release/${randomUUID()}`;
  const waiting: ServerResponse[] = [];
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const server = createServer((req, res) => {
    try {
      if (req.url !== path) throw new HttpError(404, 'not-found', 'this port only releases a held restart (POST the URL the restart answered)');
      requireMethod(req, 'POST');
      req.resume();
      waiting.push(res);
      release();
    } catch (error) {
      sendError(res, error as HttpError);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const { port } = server.address() as { port: number };
  return {
    url: `${baseUrl(host, port)}${path}`,
    released,
    close(body) {
      for (const res of waiting.splice(0)) sendJson(res, 200, body, { connection: 'close' });
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
    },
  };
}
