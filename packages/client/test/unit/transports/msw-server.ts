import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll } from 'vitest';

/**
 * An msw server for one test file: listening for the file, handlers reset after each test, and
 * `cleanups` (transports to close, clients to stop) run after each test.
 */
export function useMswServer(): { server: ReturnType<typeof setupServer>; cleanups: (() => void)[] } {
  const server = setupServer();
  const cleanups: (() => void)[] = [];
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => {
    for (const cleanup of cleanups.splice(0)) cleanup();
    server.resetHandlers();
  });
  afterAll(() => server.close());
  return { server, cleanups };
}
