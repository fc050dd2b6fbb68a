/** Path of the Chromium Playwright should launch, or undefined for Playwright's own browser. */
export function chromiumPath(): string | undefined;
/** Launch flags that keep Chromium off the closed network. */
export const chromiumArgs: readonly string[];
