// What the runner hands every group.
import type { BenchBrowser } from '../browser.js';

export interface GroupContext {
  /** `--quick`: fewer rounds and smaller counts, so CI can check that the code still runs. */
  readonly quick: boolean;
  /** Installed versions of the measured packages, by name. */
  readonly versions: Record<string, string>;
  /** One progress line on stderr. */
  progress(message: string): void;
  /** The shared Chromium, launched on first use. */
  browser(): Promise<BenchBrowser>;
}

/** Picks the full or the quick value. */
export const pick = <T>(context: GroupContext, full: T, quick: T): T => (context.quick ? quick : full);
