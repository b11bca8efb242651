/**
 * The `rules:` section: the zod schema of one rule (strict, discriminated on `type`; `preset` implies
 * `type: threshold`) and the compile step that merges presets, builds every regex once, checks it for
 * catastrophic backtracking and checks that groupBy/distinct name fields the rule can produce.
 * The `match:` block every rule has is in match-schema.ts; a baseline rule's own options are in baseline-schema.ts.
 */
import { BASELINE_OPTIONS, compileBaselineSettings, type BaselineSettings } from './baseline-schema.js';
import { canonicalMatch, compileMatch, eachPattern, MatchSchema, NonEmpty, reportPattern, toList, type CompiledMatch } from './match-schema.js';
import { SlackChannel } from './notify-schema.js';
import { z } from 'zod';
import { PRESETS, PRESET_NAMES, type PresetName } from '../detect/presets.js';
import { analyzeRegex } from '../detect/regex-safety.js';
import { DurationMs } from './units.js';

export { expandSeverities, type CompiledMatch } from './match-schema.js';

/** Fields every message has; any other groupBy/distinct name must be a named capture of the rule's patterns. */
export const BUILTIN_FIELDS = ['host', 'sourceIp', 'appname'] as const;

const MAX_WINDOW_MS = 7 * 86_400_000;
/** Timestamps (or distinct values) one rule may hold at most: maxKeys × threshold. */
const MAX_STATE_ENTRIES = 10_000_000;

const RuleName = z.string().regex(/^[a-z0-9_-]{1,64}$/, { message: 'must be 1-64 characters from a-z, 0-9, "_" and "-"' });
const FieldName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, { message: 'must be a field name: host, sourceIp, appname or a named capture' });
const Window = DurationMs.pipe(z.number().int().min(1, { message: 'must be longer than 0' }).max(MAX_WINDOW_MS, { message: 'must be at most 7d' }));

const common = {
  name: RuleName,
  match: MatchSchema.optional(),
  groupBy: z.union([FieldName, z.array(FieldName)]).optional(),
  resolveAfter: Window.optional(),
  maxKeys: z.number().int().min(1).max(1_000_000).default(10_000),
  /** Slack channel for this rule's incidents (overrides notify.slack.channel). */
  channel: SlackChannel.optional(),
};

const ThresholdRuleSchema = z.strictObject({
  type: z.literal('threshold'),
  preset: z.enum(PRESET_NAMES).optional(),
  ...common,
  window: Window.optional(),
  threshold: z.number().int().min(1).max(1000).optional(),
  distinct: FieldName.optional(),
});

const KeywordRuleSchema = z
  .strictObject({
    type: z.literal('keyword'),
    ...common,
    keywords: z.array(NonEmpty).optional(),
    patterns: z.array(NonEmpty).optional(),
    ignoreCase: z.boolean().default(false),
  })
  .superRefine((r, ctx) => {
    if ((r.keywords?.length ?? 0) + (r.patterns?.length ?? 0) === 0) {
      ctx.addIssue({ code: 'custom', path: ['keywords'], message: 'a keyword rule needs at least one keyword or pattern' });
    }
    eachPattern(r.patterns, ['patterns'], (source, path) => reportPattern(source, r.ignoreCase ? 'i' : '', path, ctx, true));
  });

const BaselineRuleSchema = z.strictObject({
  type: z.literal('baseline'),
  ...common,
  ...BASELINE_OPTIONS,
});

/** One entry of `rules:`. A rule with a `preset` and no `type` is a threshold rule. */
export const RuleSchema = z.preprocess(
  (v) => (isRecord(v) && v.type === undefined && v.preset !== undefined ? { type: 'threshold', ...v } : v),
  z.discriminatedUnion('type', [ThresholdRuleSchema, KeywordRuleSchema, BaselineRuleSchema], {
    message: 'must be "threshold", "keyword" or "baseline" (or leave type out and give a preset)',
  }),
);

export const RulesSchema = z.array(RuleSchema).default([]);
export type ParsedRule = z.output<typeof ThresholdRuleSchema> | z.output<typeof KeywordRuleSchema> | z.output<typeof BaselineRuleSchema>;

interface CompiledRuleBase {
  readonly name: string;
  readonly preset: PresetName | null;
  readonly match: CompiledMatch;
  readonly groupBy: readonly string[];
  /** Named captures of the rule's patterns (union; a capture a line's pattern lacks reads as ""). */
  readonly captures: readonly string[];
  readonly resolveAfterMs: number;
  readonly maxKeys: number;
  readonly channel: string | null;
  /** The effective definition as canonical JSON: a reload keeps a rule's state when this is unchanged. */
  readonly canonical: string;
}

export interface CompiledThresholdRule extends CompiledRuleBase {
  readonly type: 'threshold';
  readonly windowMs: number;
  readonly threshold: number;
  /** Count distinct values of this field instead of matches; null = count matches. */
  readonly distinct: string | null;
}

export interface CompiledKeywordRule extends CompiledRuleBase {
  readonly type: 'keyword';
  readonly keywords: readonly string[];
  readonly patterns: readonly string[];
  readonly ignoreCase: boolean;
  /** Keywords (escaped) and patterns as one alternation: one scan per line. */
  readonly scan: RegExp;
}

/** Per key, the matches of each `interval` against mean + sigma·σ of the earlier intervals (EWMA/EWMV). */
export interface CompiledBaselineRule extends CompiledRuleBase, BaselineSettings {
  readonly type: 'baseline';
}

export type CompiledRule = CompiledThresholdRule | CompiledKeywordRule | CompiledBaselineRule;

/** Compiles validated rules; problems are pushed with their path (`rules.0.groupBy: ...`). */
export function compileRules(parsed: readonly ParsedRule[], problems: string[]): CompiledRule[] {
  const seen = new Map<string, number>();
  const out: CompiledRule[] = [];
  parsed.forEach((rule, i) => {
    const path = `rules.${i}`;
    const prev = seen.get(rule.name);
    if (prev !== undefined) problems.push(`${path}.name: "${rule.name}" is already used by rules.${prev}`);
    else seen.set(rule.name, i);
    const compiled =
      rule.type === 'threshold'
        ? compileThreshold(rule, path, problems)
        : rule.type === 'keyword'
          ? compileKeyword(rule, path, problems)
          : compileBaseline(rule, path, problems);
    if (compiled !== null) out.push(compiled);
  });
  return out;
}

type ThresholdInput = z.output<typeof ThresholdRuleSchema>;
type KeywordInput = z.output<typeof KeywordRuleSchema>;
type BaselineInput = z.output<typeof BaselineRuleSchema>;

function compileThreshold(rule: ThresholdInput, path: string, problems: string[]): CompiledThresholdRule | null {
  const preset = rule.preset === undefined ? null : PRESETS[rule.preset];
  const before = problems.length;
  const { match, captures } = compileMatch({ ...preset?.match, ...rule.match });
  const windowMs = rule.window ?? preset?.windowMs;
  const threshold = rule.threshold ?? preset?.threshold;
  if (windowMs === undefined) problems.push(`${path}.window: required (no preset supplies it)`);
  if (threshold === undefined) problems.push(`${path}.threshold: required (no preset supplies it)`);
  const groupBy = toList(rule.groupBy) ?? preset?.groupBy ?? ['host'];
  checkFields(groupBy, captures, `${path}.groupBy`, problems);
  if (rule.distinct !== undefined) checkFields([rule.distinct], captures, `${path}.distinct`, problems);
  if (threshold !== undefined && rule.maxKeys * threshold > MAX_STATE_ENTRIES) {
    problems.push(`${path}.maxKeys: maxKeys × threshold is ${rule.maxKeys * threshold}, above the limit of ${MAX_STATE_ENTRIES}`);
  }
  if (problems.length > before || windowMs === undefined || threshold === undefined) return null;
  const distinct = rule.distinct ?? null;
  const resolveAfterMs = rule.resolveAfter ?? Math.max(windowMs, 300_000);
  const definition = { type: rule.type, match: canonicalMatch(match), groupBy, windowMs, threshold, distinct, resolveAfterMs };
  return { ...base(rule, rule.preset ?? null, match, groupBy, captures, resolveAfterMs, definition), type: 'threshold', windowMs, threshold, distinct };
}

function compileKeyword(rule: KeywordInput, path: string, problems: string[]): CompiledKeywordRule | null {
  const before = problems.length;
  const { match, captures } = compileMatch(rule.match ?? {});
  const keywords = rule.keywords ?? [];
  const patterns = rule.patterns ?? [];
  patterns.forEach((p, j) => {
    for (const n of analyzeRegex(p).groupNames) {
      if (captures.includes(n)) problems.push(`${path}.patterns.${j}: the capture name "${n}" is already used by match.message or another pattern`);
      else captures.push(n);
    }
  });
  const groupBy = toList(rule.groupBy) ?? ['host'];
  checkFields(groupBy, captures, `${path}.groupBy`, problems);
  if (problems.length > before) return null;
  const ignoreCase = rule.ignoreCase;
  const scan = new RegExp([...keywords.map(escapeRegex), ...patterns.map((p) => `(?:${p})`)].join('|'), ignoreCase ? 'i' : '');
  const resolveAfterMs = rule.resolveAfter ?? 600_000;
  const definition = { type: rule.type, match: canonicalMatch(match), groupBy, keywords, patterns, ignoreCase, resolveAfterMs };
  return { ...base(rule, null, match, groupBy, captures, resolveAfterMs, definition), type: 'keyword', keywords, patterns, ignoreCase, scan };
}

function compileBaseline(rule: BaselineInput, path: string, problems: string[]): CompiledBaselineRule | null {
  const before = problems.length;
  const { match, captures } = compileMatch(rule.match ?? {});
  const groupBy = toList(rule.groupBy) ?? ['host'];
  checkFields(groupBy, captures, `${path}.groupBy`, problems);
  const settings = compileBaselineSettings(rule, path, problems);
  if (problems.length > before || settings === null) return null;
  const definition = { type: rule.type, match: canonicalMatch(match), groupBy, ...settings };
  return { ...base(rule, null, match, groupBy, captures, settings.resolveAfterMs, definition), ...settings, type: 'baseline' };
}

function base(
  rule: ParsedRule, preset: PresetName | null, match: CompiledMatch, groupBy: readonly string[], captures: readonly string[],
  resolveAfterMs: number, definition: object,
): CompiledRuleBase {
  const channel = rule.channel ?? null;
  const canonical = JSON.stringify({ ...definition, maxKeys: rule.maxKeys, channel });
  return { name: rule.name, preset, match, groupBy, captures, resolveAfterMs, maxKeys: rule.maxKeys, channel, canonical };
}

function checkFields(fields: readonly string[], captures: readonly string[], path: string, problems: string[]): void {
  const seen = new Set<string>();
  for (const f of fields) {
    if (seen.has(f)) problems.push(`${path}: "${f}" is listed twice`);
    seen.add(f);
    if ((BUILTIN_FIELDS as readonly string[]).includes(f) || captures.includes(f)) continue;
    const known = [...BUILTIN_FIELDS, ...captures].join(', ');
    problems.push(`${path}: "${f}" is neither a message field nor a named capture of the rule's patterns (known: ${known})`);
  }
}

function escapeRegex(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
