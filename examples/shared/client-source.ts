import { fileURLToPath } from 'node:url';
import type { Alias } from 'vite';

const source = (path: string) => fileURLToPath(new URL(`../../packages/client/src/${path}`, import.meta.url));

/**
 * In your app `@unisocket/client` comes from npm; in these examples it is the repository's source, so
 * they run from a clean clone without building the library first.
 */
export const clientSource: Alias[] = [
  { find: /^@unisocket\/client$/, replacement: source('index.ts') },
  { find: /^@unisocket\/client\/testing$/, replacement: source('testing/index.ts') },
];
