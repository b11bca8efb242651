/**
 * One load scenario and how it is run: within a time limit, with every resource it opened (appliances, sockets,
 * fake servers, temporary directories) released afterwards, whether it passed, failed, threw or ran out of time.
 */
import type { ScenarioName } from './options.js';
import { Checks, failedResult, scenarioResult, type Figure, type ScenarioResult } from './verdict.js';

export interface ScenarioContext {
  /** Where the scenario states its claims: any failed check fails it. */
  readonly checks: Checks;
  readonly quick: boolean;
  readonly slackOutageMs: number;
  /** Aborted when the scenario's time is up: loops and waits stop early. */
  readonly signal: AbortSignal;
  /** Milliseconds left before the scenario's time limit. */
  remainingMs(): number;
  /** Registers a cleanup; cleanups run in reverse order when the scenario ends, however it ends. */
  defer(cleanup: () => unknown): void;
  /** A progress line on stderr (stdout carries only the result lines). */
  note(text: string): void;
}

/** What a scenario measured: its figures, and them as one line. Pass or fail is what its ctx.checks say. */
export interface ScenarioReport {
  readonly figures: Record<string, Figure>;
  readonly summary: string;
}

export interface Scenario {
  readonly name: ScenarioName;
  run(ctx: ScenarioContext): Promise<ScenarioReport>;
}

const CLEANUP_TIMEOUT_MS = 25_000;

export interface RunSettings {
  readonly quick: boolean;
  readonly slackOutageMs: number;
  readonly timeoutMs: number;
  readonly note: (text: string) => void;
}

export async function runScenario(scenario: Scenario, settings: RunSettings): Promise<ScenarioResult> {
  const started = Date.now();
  const deadline = started + settings.timeoutMs;
  const abort = new AbortController();
  const cleanups: (() => unknown)[] = [];
  const ctx: ScenarioContext = {
    checks: new Checks(),
    quick: settings.quick,
    slackOutageMs: settings.slackOutageMs,
    signal: abort.signal,
    remainingMs: () => Math.max(0, deadline - Date.now()),
    defer: (cleanup) => cleanups.push(cleanup),
    note: (text) => settings.note(`[${scenario.name}] ${text}`),
  };
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<ScenarioResult>((resolve) => {
    timer = setTimeout(() => {
      abort.abort();
      resolve(failedResult(scenario.name, `timed out after ${(settings.timeoutMs / 1000).toFixed(0)} s`, Date.now() - started));
    }, settings.timeoutMs);
  });
  const ran = scenario.run(ctx).then(
    (report) => scenarioResult(scenario.name, report.figures, report.summary, ctx.checks, Date.now() - started),
    (err: unknown) => failedResult(scenario.name, `error: ${err instanceof Error ? err.message : String(err)}`, Date.now() - started),
  );
  const result = await Promise.race([ran, timedOut]);
  clearTimeout(timer);
  abort.abort();
  for (const cleanup of cleanups.reverse()) {
    try {
      await Promise.race([Promise.resolve().then(cleanup), new Promise((r) => setTimeout(r, CLEANUP_TIMEOUT_MS).unref())]);
    } catch (err) {
      settings.note(`[${scenario.name}] cleanup failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return result;
}
