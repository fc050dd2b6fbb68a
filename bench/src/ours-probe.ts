// Asks our client (its source, run in Node) whether the Socket.IO endpoint exists yet, so the rows
// that need it say "pending (issue 4)" until it does and fill in by themselves afterwards.
import { pathToFileURL } from 'node:url';
import { assertClientSource, clientSourceEntry } from './bundler.js';
import { Unavailable } from './results.js';

interface ClientModule {
  connectSocketIo(url: string, options: Record<string, unknown>): { close(): void };
}

let cached: Promise<void> | undefined;

/** Resolves when `connectSocketIo(url)` works; otherwise rejects with `Unavailable`. */
export function assertSocketIoEndpoint(): Promise<void> {
  cached ??= (async () => {
    assertClientSource();
    let client: ClientModule;
    try {
      client = (await import(pathToFileURL(clientSourceEntry).href)) as ClientModule;
    } catch (error) {
      throw new Unavailable('missing', `MISSING: our client does not load: ${(error as Error).message}`);
    }
    try {
      client.connectSocketIo('http://127.0.0.1:9/', { autoConnect: false }).close();
    } catch (error) {
      throw new Unavailable('pending', `PENDING: ${(error as Error).message}`);
    }
  })();
  return cached;
}
