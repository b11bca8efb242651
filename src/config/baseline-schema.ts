/**
 * The options of a `type: baseline` rule, which rules-schema.ts puts beside the options every rule has, and
 * the checks and defaults that relate them to each other (resolveAfter, forgetAfter against the interval).
 */
import { z } from 'zod';
import { DurationMs, formatDurationMs } from './units.js';

const DAY_MS = 86_400_000;

export const BASELINE_OPTIONS = {
  /** Length of the intervals whose matching lines are counted and learned. */
  interval: DurationMs.pipe(
    z.number().int().min(1000, { message: 'must be at least 1s' }).max(DAY_MS, { message: 'must be at most 1d' }),
  ).default(60_000),
  /** Completed intervals a key must have before it may fire. */
  warmup: z.number().int().min(1, { message: 'must be at least 1 interval' }).max(10_000, { message: 'must be at most 10000 intervals' }).default(30),
  /** k in mean + k·σ. */
  sigma: z.number().gt(0, { message: 'must be greater than 0' }).max(100, { message: 'must be at most 100' }).default(3),
  /** An interval fires only with at least this many matches. */
  minCount: z.number().int().min(1, { message: 'must be at least 1' }).max(1_000_000_000).default(10),
  /** Weight of the newest interval in the EWMA. */
  alpha: z.number().min(0.001, { message: 'must be between 0.001 and 0.5' }).max(0.5, { message: 'must be between 0.001 and 0.5' }).default(0.1),
  /** A key without a matching line for this long is forgotten (it learns again from scratch). */
  forgetAfter: DurationMs.pipe(z.number().int().max(30 * DAY_MS, { message: 'must be at most 30d' })).default(DAY_MS),
};

export interface BaselineOptionsInput {
  readonly interval: number;
  readonly warmup: number;
  readonly sigma: number;
  readonly minCount: number;
  readonly alpha: number;
  readonly forgetAfter: number;
  readonly resolveAfter?: number | undefined;
}

/** The compiled baseline options, all durations in ms. */
export interface BaselineSettings {
  readonly intervalMs: number;
  readonly warmup: number;
  readonly sigma: number;
  readonly minCount: number;
  readonly alpha: number;
  readonly forgetAfterMs: number;
  readonly resolveAfterMs: number;
}

/**
 * resolveAfter defaults to max(2 × interval, 5m) and must be at least the interval: a surge sends Signals only
 * while an interval is over its limit, so a shorter one would resolve and re-open the incident every interval.
 * forgetAfter must be at least 2 × interval, or a key logging once an interval would be forgotten.
 */
export function compileBaselineSettings(rule: BaselineOptionsInput, path: string, problems: string[]): BaselineSettings | null {
  const intervalMs = rule.interval;
  const before = problems.length;
  if (rule.resolveAfter !== undefined && rule.resolveAfter < intervalMs) {
    problems.push(`${path}.resolveAfter: must be at least the interval (${formatDurationMs(intervalMs)}), or a surge would resolve and re-open its incident every interval`);
  }
  if (rule.forgetAfter < 2 * intervalMs) {
    problems.push(`${path}.forgetAfter: must be at least twice the interval (${formatDurationMs(2 * intervalMs)})`);
  }
  if (problems.length > before) return null;
  return {
    intervalMs,
    warmup: rule.warmup,
    sigma: rule.sigma,
    minCount: rule.minCount,
    alpha: rule.alpha,
    forgetAfterMs: rule.forgetAfter,
    resolveAfterMs: rule.resolveAfter ?? Math.max(2 * intervalMs, 300_000),
  };
}
