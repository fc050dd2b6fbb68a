// What every benchmark group hands back: tables already formatted for BENCHMARKS.md, target
// verdicts, and the raw numbers (kept in results/*.json so a report can be rebuilt or compared).

export type GroupName = 'bundle' | 'throughput' | 'recovery' | 'resilience' | 'harness' | 'server' | 'scale';

export const GROUP_NAMES: readonly GroupName[] = ['bundle', 'throughput', 'recovery', 'resilience', 'harness', 'server', 'scale'];

export interface Table {
  title: string;
  columns: string[];
  rows: string[][];
  /** One paragraph under the table: what exactly was measured. */
  note?: string;
}

export type Verdict = 'met' | 'missed' | 'n/a';

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

/** Why a measurement has no number: our client does not build (or its source is gone), or the measurement broke. */
export class Unavailable extends Error {
  override readonly name = 'Unavailable';
  constructor(
    readonly code: 'missing' | 'error',
    message: string,
  ) {
    super(message);
  }
}

export const CLIENT_MISSING = 'n/a (client build missing)';

/** The table cell for a measurement that produced no number. */
export function unavailableCell(error: unknown): string {
  if (error instanceof Unavailable) {
    if (error.code === 'missing') return CLIENT_MISSING;
    return `error: ${error.message.slice(0, 120)}`;
  }
  return `error: ${String((error as Error)?.message ?? error).slice(0, 120)}`;
}

/** Classifies an error thrown by a measurement into an `Unavailable`. */
export function asUnavailable(error: unknown): Unavailable {
  if (error instanceof Unavailable) return error;
  const message = String((error as Error)?.message ?? error);
  if (/MISSING:/.test(message)) return new Unavailable('missing', message);
  return new Unavailable('error', message.split('\n')[0] ?? message);
}

/** Collects the errors of a group (every measurement without a number is one). */
export class ErrorLog {
  readonly errors: string[] = [];
  note(what: string, error: unknown): string {
    const unavailable = asUnavailable(error);
    this.errors.push(`${what}: ${unavailable.message.split('\n')[0]}`);
    return unavailableCell(unavailable);
  }
}
