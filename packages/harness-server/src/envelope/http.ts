import type { ServerResponse } from 'node:http';
import type { HarnessContext } from '../context.js';
import { sendError, sendJson, type HttpError } from '../http-util.js';

/**
 * The `/rt` HTTP answers go out through the harness's shared `sendJson`/`sendError` (CORS comes
 * from the server for every route), after the `delay` fault's first-byte delay; `close()` drops the
 * answers still waiting.
 */
export class JsonResponder {
  private readonly pending = new Set<NodeJS.Timeout>();

  constructor(private readonly ctx: HarnessContext) {}

  send(res: ServerResponse, status: number, body: unknown): void {
    this.later(res, () => sendJson(res, status, body));
  }

  /** `{"error":{"code","message"}}` with the error's status and headers. */
  error(res: ServerResponse, error: HttpError): void {
    this.later(res, () => sendError(res, error));
  }

  private later(res: ServerResponse, write: () => void): void {
    const answer = () => {
      if (!res.writableEnded && !res.destroyed) write();
    };
    const delay = this.ctx.faults.firstByteDelayMs;
    if (delay <= 0) return answer();
    const timer = setTimeout(() => {
      this.pending.delete(timer);
      answer();
    }, delay);
    this.pending.add(timer);
  }

  close(): void {
    for (const timer of this.pending) clearTimeout(timer);
    this.pending.clear();
  }
}
