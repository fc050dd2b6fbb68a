// The bench side of harness-child.ts: the reference harness in its own process.
import { fileURLToPath } from 'node:url';
import type { HarnessOptions } from '@unisocket/harness-server';
import { startChild, type BenchChild } from './child/parent.js';

export type HarnessProcess = BenchChild;

const childEntry = fileURLToPath(new URL('./harness-child.ts', import.meta.url));

export const startHarnessProcess = (options: Partial<HarnessOptions> = {}): Promise<HarnessProcess> => startChild(childEntry, options);
