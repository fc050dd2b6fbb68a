import type { ChildProcess } from 'node:child_process';

/** A child process that does not outlive the test run (see processes.mjs). */
export interface Launched {
  readonly child: ChildProcess;
  /** Resolves with the exit code or signal. */
  readonly exited: Promise<number | string | null>;
  /** The last lines it printed (stdout and stderr), for error messages. */
  output(): string;
  /** Resolves with the first line matching `pattern`; rejects if it exits first or `timeoutMs` passes. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  /** SIGTERM to its process group, SIGKILL after `graceMs` (default 3000). Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

/** Starts `command` in its own process group, ended by the kernel if this process dies. */
export function launch(command: string, args: readonly string[], options?: { env?: NodeJS.ProcessEnv; cwd?: string; extraFds?: number }): Launched;

/** Sends `signal` to the process group of `child`; false when the group is gone. */
export function signalGroup(child: ChildProcess, signal: NodeJS.Signals): boolean;

/** Runs `start` with a list for launched processes: killed on exit unless stopped, stopped if `start` throws. */
export function startTogether<T>(start: (running: Launched[]) => Promise<T>): Promise<T & { stop(): Promise<void> }>;
