/** Path of the Chromium Playwright should launch, or undefined for Playwright's own browser. */
export function chromiumPath(): string | undefined;
