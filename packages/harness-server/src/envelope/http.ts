import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HarnessContext } from '../context.js';

/** CORS headers of every `/rt` answer: the demo page and browser tests come from another origin. */
export const CORS_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-allow-headers': 'content-type, last-event-id',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
} as const;

export type BodyResult = { ok: true; text: string } | { ok: false; tooLarge: true };

/**
 * Reads a request body up to `limit` bytes. Past the limit the rest is drained unread (so the client
 * can still read a 413), and `tooLarge` is returned.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      req.resume();
      resolve({ ok: false, tooLarge: true });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      if (tooLarge) return;
      size += chunk.length;
      if (size > limit) {
        tooLarge = true;
        chunks.length = 0;
        resolve({ ok: false, tooLarge: true });
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!tooLarge) resolve({ ok: true, text: Buffer.concat(chunks).toString('utf8') });
    });
    req.on('error', reject);
  });
}

/** Writes JSON answers after the `delay` fault's first-byte delay; `close()` drops the pending ones. */
export class JsonResponder {
  private readonly pending = new Set<NodeJS.Timeout>();

  constructor(private readonly ctx: HarnessContext) {}

  send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    const write = () => {
      if (res.writableEnded || res.destroyed) return;
      res.writeHead(status, { ...CORS_HEADERS, 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
      res.end(JSON.stringify(body));
    };
    const delay = this.ctx.faults.firstByteDelayMs;
    if (delay <= 0) {
      write();
      return;
    }
    const timer = setTimeout(() => {
      this.pending.delete(timer);
      write();
    }, delay);
    this.pending.add(timer);
  }

  /** `{"error":{"code","message"}}` with the given status. */
  error(res: ServerResponse, status: number, code: string, message: string, headers?: Record<string, string>): void {
    this.send(res, status, { error: { code, message } }, headers);
  }

  close(): void {
    for (const timer of this.pending) clearTimeout(timer);
    this.pending.clear();
  }
}
