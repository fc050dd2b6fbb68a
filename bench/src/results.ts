// What every benchmark group hands back: tables already formatted for BENCHMARKS.md, target
// verdicts, and the raw numbers (kept in results/*.json so a report can be rebuilt or compared).

export type GroupName = 'bundle' | 'throughput' | 'recovery' | 'harness' | 'scale';

export const GROUP_NAMES: readonly GroupName[] = ['bundle', 'throughput', 'recovery', 'harness', 'scale'];

export interface Table {
  title: string;
  columns: string[];
  rows: string[][];
  /** One paragraph under the table: what exactly was measured. */
  note?: string;
}

export type Verdict = 'met' | 'missed' | 'pending' | 'n/a';

export interface TargetCheck {
  target: string;
  measured: string;
  verdict: Verdict;
}

export interface GroupResult {
  group: GroupName;
  title: string;
  /** ISO date of the run. */
  ranAt: string;
  durationMs: number;
  quick: boolean;
  tables: Table[];
  targets: TargetCheck[];
  /** Short headline figures for the README (`label: value`). */
  headlines: string[];
  /** Measurements that failed unexpectedly (a broken benchmark, not a slow library). */
  errors: string[];
  /** Raw numbers, for the JSON file. */
  data: Record<string, unknown>;
}

/** Why a measurement has no number: the feature is not built yet, our client does not build, or it broke. */
export class Unavailable extends Error {
  override readonly name = 'Unavailable';
  constructor(
    readonly code: 'pending' | 'missing' | 'error',
    message: string,
  ) {
    super(message);
  }
}

export const PENDING_SOCKET_IO = 'pending (issue 4)';
export const CLIENT_MISSING = 'n/a (client build missing)';

/** The table cell for a measurement that produced no number. */
export function unavailableCell(error: unknown): string {
  if (error instanceof Unavailable) {
    if (error.code === 'pending') return PENDING_SOCKET_IO;
    if (error.code === 'missing') return CLIENT_MISSING;
    return `error: ${error.message.slice(0, 120)}`;
  }
  return `error: ${String((error as Error)?.message ?? error).slice(0, 120)}`;
}

/** Classifies an error thrown by a measurement into an `Unavailable`. */
export function asUnavailable(error: unknown): Unavailable {
  if (error instanceof Unavailable) return error;
  const message = String((error as Error)?.message ?? error);
  if (/PENDING:|not yet supported/.test(message)) return new Unavailable('pending', message);
  if (/MISSING:/.test(message)) return new Unavailable('missing', message);
  return new Unavailable('error', message.split('\n')[0] ?? message);
}

/** Collects the errors of a group: only real failures count, `pending` is expected. */
export class ErrorLog {
  readonly errors: string[] = [];
  note(what: string, error: unknown): string {
    const unavailable = asUnavailable(error);
    if (unavailable.code !== 'pending') this.errors.push(`${what}: ${unavailable.message.split('\n')[0]}`);
    return unavailableCell(unavailable);
  }
}
