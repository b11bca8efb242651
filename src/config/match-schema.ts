/**
 * A rule's `match:` block: its zod schema (every pattern compiled and checked for catastrophic backtracking,
 * regex-safety.ts), the compiled form the detector runs (CompiledMatch) and the compile step. rules-schema.ts
 * puts it into every rule type.
 */
import { z } from 'zod';
import { analyzeRegex } from '../detect/regex-safety.js';
import { FACILITY_NAMES, SEVERITY_NAMES, type FacilityName, type SeverityName } from '../parse/types.js';

export const NonEmpty = z.string().min(1).max(4096);
const OneOrMore = <T extends z.ZodType>(item: T, what: string) =>
  z.union([item, z.array(item).min(1)], { message: `must be ${what} or a non-empty list of them` });
const SeveritySelector = z.string().refine((s) => (SEVERITY_NAMES as readonly string[]).includes(s.replace(/^=/, '')), {
  message: `must be a severity (${SEVERITY_NAMES.join(', ')}), meaning that level or more severe, or "=name" for exactly that level`,
});

export const MatchSchema = z
  .strictObject({
    appname: OneOrMore(NonEmpty, 'a program name').optional(),
    facility: OneOrMore(z.enum(FACILITY_NAMES), `a facility (${FACILITY_NAMES.join(', ')})`).optional(),
    severity: OneOrMore(SeveritySelector, 'a severity selector').optional(),
    hostname: OneOrMore(NonEmpty, 'a host name glob').optional(),
    message: OneOrMore(NonEmpty, 'a regular expression').optional(),
    exclude: OneOrMore(NonEmpty, 'a regular expression').optional(),
    ignoreCase: z.boolean().optional(),
  })
  .superRefine((m, ctx) => {
    const flags = m.ignoreCase === true ? 'i' : '';
    for (const key of ['message', 'exclude'] as const) {
      eachPattern(m[key], [key], (source, path) => reportPattern(source, flags, path, ctx, false));
    }
  });

export interface CompiledMatch {
  readonly appnames: readonly string[] | null;
  readonly facilities: readonly FacilityName[] | null;
  /** The accepted severities, selectors expanded (`err` → emerg, alert, crit, err). */
  readonly severities: readonly SeverityName[] | null;
  /** Globs on the message's host (`*`, `?`, case-insensitive); any may match. */
  readonly hostnames: readonly string[] | null;
  /** Tried in order, the first match wins; empty = every message. */
  readonly message: readonly RegExp[];
  /** A message any of these match is skipped. */
  readonly exclude: readonly RegExp[];
}

type OneOrList<T> = T | readonly T[];
/** A `match:` as the schema outputs it, or a preset's merged under it. */
interface MatchInput {
  readonly appname?: OneOrList<string>;
  readonly facility?: OneOrList<FacilityName>;
  readonly severity?: OneOrList<string>;
  readonly hostname?: OneOrList<string>;
  readonly message?: OneOrList<string>;
  readonly exclude?: OneOrList<string>;
  readonly ignoreCase?: boolean;
}

/** Patterns were validated by the schema (or are presets, tested to be safe): only built here. */
export function compileMatch(m: MatchInput): { match: CompiledMatch; captures: string[] } {
  const flags = m.ignoreCase === true ? 'i' : '';
  const captures: string[] = [];
  const message = (toList(m.message) ?? []).map((source) => {
    for (const n of analyzeRegex(source).groupNames) if (!captures.includes(n)) captures.push(n);
    return new RegExp(source, flags);
  });
  const match: CompiledMatch = {
    appnames: toList(m.appname) ?? null,
    facilities: toList(m.facility) ?? null,
    severities: m.severity === undefined ? null : expandSeverities(toList(m.severity) ?? []),
    hostnames: toList(m.hostname) ?? null,
    message,
    exclude: (toList(m.exclude) ?? []).map((source) => new RegExp(source, flags)),
  };
  return { match, captures };
}

/** `err` = err or more severe (as `*.err` in syslog.conf); `=err` = exactly err; a list is the union. */
export function expandSeverities(selectors: readonly string[]): SeverityName[] {
  const accepted = new Set<SeverityName>();
  for (const s of selectors) {
    const exact = s.startsWith('=');
    const level = SEVERITY_NAMES.indexOf(s.replace(/^=/, '') as SeverityName);
    SEVERITY_NAMES.forEach((name, i) => {
      if (exact ? i === level : i <= level) accepted.add(name);
    });
  }
  return SEVERITY_NAMES.filter((n) => accepted.has(n));
}

/** Reports a pattern that does not compile or could backtrack catastrophically (regex-safety.ts). */
export function reportPattern(source: string, flags: string, path: (string | number)[], ctx: z.RefinementCtx, keyword: boolean): void {
  try {
    new RegExp(source, flags);
  } catch (err) {
    ctx.addIssue({ code: 'custom', path, message: (err as Error).message });
    return;
  }
  const analysis = analyzeRegex(source, flags.includes('i'));
  for (const p of analysis.problems) ctx.addIssue({ code: 'custom', path, message: `unsafe pattern: ${p}` });
  if (keyword && analysis.matchesEmpty) {
    ctx.addIssue({ code: 'custom', path, message: 'the pattern can match the empty string, so it would hit every line' });
  }
}

export function eachPattern(v: string | readonly string[] | undefined, path: (string | number)[], fn: (source: string, path: (string | number)[]) => void): void {
  if (typeof v === 'string') fn(v, path);
  else v?.forEach((s, i) => fn(s, [...path, i]));
}

export function canonicalMatch(m: CompiledMatch): object {
  const show = (r: RegExp) => `/${r.source}/${r.flags}`;
  return { ...m, message: m.message.map(show), exclude: m.exclude.map(show) };
}

export function toList<T>(v: T | readonly T[] | undefined): readonly T[] | undefined {
  if (v === undefined) return undefined;
  return Array.isArray(v) ? (v as readonly T[]) : [v as T];
}
