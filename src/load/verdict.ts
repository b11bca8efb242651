/**
 * What a scenario reports and how the run's verdict is printed: one `PASS|FAIL name: figures` line per scenario,
 * then `load: PASS (7/7 scenarios)` or `load: FAIL (...)`. Pure, so a FAIL can be produced and tested.
 */

export type Figure = number | string | boolean | null;

export interface ScenarioResult {
  readonly name: string;
  readonly ok: boolean;
  /** The numbers behind the claim, e.g. `{ open: 1000, refused: 20 }` (also written to --json). */
  readonly figures: Readonly<Record<string, Figure>>;
  /** The figures as one human line. */
  readonly summary: string;
  /** Why it failed: each failed check, an error or a timeout. Empty when ok. */
  readonly failures: readonly string[];
  readonly durationMs: number;
}

/**
 * Collects a scenario's checks. Each check states its claim with the measured numbers in `what`; a failed
 * check is kept (with those numbers) and fails the scenario, the others still run.
 */
export class Checks {
  readonly #failures: string[] = [];
  readonly #passed: string[] = [];

  that(condition: boolean, what: string): boolean {
    (condition ? this.#passed : this.#failures).push(what);
    return condition;
  }

  fail(what: string): void {
    this.#failures.push(what);
  }

  get failures(): readonly string[] {
    return this.#failures;
  }

  get passed(): readonly string[] {
    return this.#passed;
  }
}

export function scenarioResult(name: string, figures: Record<string, Figure>, summary: string, checks: Checks, durationMs: number): ScenarioResult {
  return { name, ok: checks.failures.length === 0, figures, summary, failures: [...checks.failures], durationMs };
}

/** A scenario that threw or ran out of time: FAIL with the reason, whatever figures it had. */
export function failedResult(name: string, reason: string, durationMs: number, figures: Record<string, Figure> = {}): ScenarioResult {
  return { name, ok: false, figures, summary: '', failures: [reason], durationMs };
}

/** `PASS name: summary` or `FAIL name: summary; failed: a; b`. One line: newlines in a reason become spaces. */
export function resultLine(r: ScenarioResult): string {
  const parts = [r.summary.trim()].filter((s) => s !== '');
  if (!r.ok) parts.push(`failed: ${r.failures.join('; ')}`);
  const text = parts.join('; ').replace(/\s*\n\s*/g, ' ');
  return `${r.ok ? 'PASS' : 'FAIL'} ${r.name}${text === '' ? '' : `: ${text}`}`;
}

export interface Verdict {
  readonly ok: boolean;
  readonly line: string;
}

/** The final line. A run with no scenario, or with one missing from `expected`, is not a pass. */
export function verdict(results: readonly ScenarioResult[], expected: readonly string[] = results.map((r) => r.name)): Verdict {
  const ran = new Set(results.map((r) => r.name));
  const missing = expected.filter((n) => !ran.has(n));
  const failed = results.filter((r) => !r.ok).map((r) => r.name);
  const passed = results.length - failed.length;
  const total = Math.max(expected.length, results.length);
  if (results.length > 0 && failed.length === 0 && missing.length === 0) return { ok: true, line: `load: PASS (${passed}/${total} scenarios)` };
  const why = [
    failed.length > 0 ? `failed: ${failed.join(', ')}` : '',
    missing.length > 0 ? `not run: ${missing.join(', ')}` : '',
    results.length === 0 && missing.length === 0 ? 'no scenario ran' : '',
  ].filter((s) => s !== '');
  return { ok: false, line: `load: FAIL (${passed}/${total} scenarios passed; ${why.join('; ')})` };
}
