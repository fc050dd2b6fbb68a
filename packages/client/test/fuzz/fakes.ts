// Platform fakes the fuzz targets drive by hand: a WebSocket class and a fetch whose answers the
// target writes frame by frame. The client reaches them only through `platform` (the public API).

/** A WebSocket class whose instances the target opens and feeds; the newest is `sockets.at(-1)`. */
export function fakeWebSocket() {
  const sockets: FuzzSocket[] = [];
  class FuzzSocket {
    readyState = 0;
    binaryType = 'arraybuffer';
    onopen: ((event: unknown) => void) | null = null;
    onmessage: ((event: { data: unknown }) => void) | null = null;
    onclose: ((event: { code: number; reason: string }) => void) | null = null;
    onerror: ((event: unknown) => void) | null = null;
    readonly sent: unknown[] = [];
    constructor(readonly url: string) {
      sockets.push(this);
    }
    /** Server side: the upgrade succeeds. */
    accept() {
      this.readyState = 1;
      this.onopen?.({});
    }
    /** Server side: a message arrives. */
    message(data: unknown) {
      this.onmessage?.({ data });
    }
    send(data: unknown) {
      this.sent.push(data);
    }
    close() {
      this.readyState = 3;
    }
  }
  return { WebSocket: FuzzSocket as unknown as typeof WebSocket, sockets };
}

/** A `fetch` that answers each request with what `answer` returns (a Response or a Promise of one). */
export function fakeFetch(answer: (url: URL, init: RequestInit) => Response | Promise<Response>): typeof fetch {
  return ((input: string | URL | Request, init: RequestInit = {}) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    return new Promise<Response>((resolve, reject) => {
      const abort = () => reject(new DOMException('aborted', 'AbortError'));
      init.signal?.addEventListener('abort', abort, { once: true });
      Promise.resolve(answer(url, init))
        .then(resolve, reject)
        .finally(() => init.signal?.removeEventListener('abort', abort));
    });
  }) as typeof fetch;
}

/** Lets queued promise callbacks and stream reads run. */
export const settle = () => new Promise((resolve) => setImmediate(resolve));
