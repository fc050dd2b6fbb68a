import type { ServerResponse } from 'node:http';
import type { HarnessContext } from '../context.js';

/** CORS headers of every `/rt` answer: the demo page and browser tests come from another origin. */
export const CORS_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-allow-headers': 'content-type, last-event-id',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
} as const;

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
