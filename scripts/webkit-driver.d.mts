/** $WEBKIT_PATH, else WebKitGTK's MiniBrowser where installed, else undefined. */
export function webkitPath(): string | undefined;
/** Why WebKit cannot run here (a sentence with the install command), or undefined when it can. */
export function webkitMissing(): string | undefined;

/** A running WebKitWebDriver on its own Xvfb display. */
export interface WebKitDriver {
  /** Always 127.0.0.1. */
  readonly hostname: string;
  readonly port: number;
  /** The Xvfb display number the browsers draw on. */
  readonly display: number;
  /** W3C capabilities for a new session (`browserName: 'safari'`, MiniBrowser through a `safari` symlink). */
  readonly capabilities: Record<string, unknown>;
  /** Ends the driver, every browser it launched, and Xvfb. Idempotent. */
  stop(): Promise<void>;
}

/** Starts Xvfb and WebKitWebDriver on free numbers; throws with the install command when WebKit is missing. */
export function startWebKitDriver(): Promise<WebKitDriver>;
