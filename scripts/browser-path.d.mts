/** Path of the Chromium Playwright should launch, or undefined for Playwright's own browser. */
export function chromiumPath(): string | undefined;
/** Path of a stock Firefox to drive over WebDriver BiDi, or undefined when none is installed. */
export function firefoxPath(): string | undefined;
/** Launch flags that keep Chromium off the closed network. */
export const chromiumArgs: readonly string[];
