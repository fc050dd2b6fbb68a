import { request } from 'node:http';

/**
 * POSTs `body` as JSON on a connection of its own (`agent: false`: a pooled one may be blackholed);
 * retried while the server refuses connections (a restart: nothing was processed), an error otherwise.
 * The runner never sends one while it injects a fault, so no POST is cut after the server processed it.
 */
export async function post(url: string, body: unknown, path = ''): Promise<void> {
  for (let tries = 0; ; tries++) {
    try {
      return await once(url + path, body);
    } catch (error) {
      if ((error as { code?: string }).code != 'ECONNREFUSED' || tries > 200) throw error;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}

function once(url: string, body: unknown): Promise<void> {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const req = request(url, { method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode == 200 ? resolve() : reject(new Error(`POST ${url} answered ${res.statusCode}`))));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}
