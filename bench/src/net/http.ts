// Plain HTTP helpers for the bench process. Each request gets its own connection (no agent): the
// harness faults (blackhole, restart) act on existing connections, and a pooled socket caught in
// one would hang the next request.
import { request } from 'node:http';
import { connect } from 'node:net';

const REQUEST_TIMEOUT_MS = 10_000;

/** `POST url` with an optional JSON body; resolves with the parsed JSON answer (or its text). */
export function postJson(url: string, body?: unknown): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? '' : JSON.stringify(body);
    const req = request(url, { method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if ((res.statusCode ?? 500) >= 400) return reject(new Error(`POST ${url}: HTTP ${res.statusCode} ${text.slice(0, 200)}`));
        try {
          resolve(JSON.parse(text));
        } catch {
          resolve(text);
        }
      });
    });
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error(`POST ${url}: timed out`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** A fault of the harness (`/_control/{name}?params`). */
export function control(harnessUrl: string, name: string, params: Record<string, string | number> = {}): Promise<unknown> {
  const query = new URLSearchParams(Object.entries(params).map(([key, value]) => [key, String(value)]));
  return postJson(`${harnessUrl}/_control/${name}${query.size ? `?${query}` : ''}`);
}

const tryConnect = (port: number, host: string): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect({ port, host });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * After `restart`: waits until the port refuses connections, then until it accepts them again;
 * resolves with `Date.now()` of the first accepted connection (polled every `everyMs`).
 */
export async function waitForRestart(harnessUrl: string, boundMs: number, everyMs = 5): Promise<number> {
  const { hostname, port } = new URL(harnessUrl);
  const deadline = Date.now() + boundMs;
  let sawDown = false;
  while (Date.now() < deadline) {
    const up = await tryConnect(Number(port), hostname);
    if (!up) sawDown = true;
    else if (sawDown) return Date.now();
    await sleep(everyMs);
  }
  throw new Error(`the harness did not come back within ${boundMs} ms`);
}
