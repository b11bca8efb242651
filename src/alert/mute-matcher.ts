/**
 * Mute matchers: validation (every problem at once) and compiled matching. A regex matcher is anchored to the
 * whole value (`^(?:…)$`, as Alertmanager does) and must be safe to run on values a remote sender controls:
 * bounded length, a valid expression on its own (so `a)|(b` cannot undo the anchoring), the same backtracking
 * check as rule patterns (analyzeRegex in detect/regex-safety.ts: no nested or ambiguous repetition, no chain of
 * three repetitions that can share characters, no backreferences), and subjects of at most 1024 characters.
 * A field missing from an incident's key matches as the empty string (Alertmanager's label semantics).
 */
import { analyzeRegex } from '../detect/regex-safety.js';
import type { GroupKey } from '../detect/types.js';
import type { MuteMatcher } from './types.js';

export const MAX_MATCHERS = 16;
export const MAX_MATCHER_VALUE_CHARS = 256;
/** A value longer than this never matches a regex matcher (no host, address or user name is that long). */
export const MAX_REGEX_SUBJECT_CHARS = 1024;
/** Regex matchers are compiled with the `u` flag (stricter syntax, code-point semantics). */
const FLAGS = 'u';

export interface CompiledMatcher {
  readonly name: string;
  test(value: string): boolean;
}

/** Problems with one matcher (empty when it is valid). `known(name)` says whether a matcher name may be used. */
export function matcherProblems(m: MuteMatcher, index: number, known: (name: string) => boolean): string[] {
  const at = `matchers[${index}]`;
  const problems: string[] = [];
  if (m.name !== 'rule' && !known(m.name)) problems.push(`${at}.name: unknown field "${m.name}" (use "rule" or a group-by field of a rule)`);
  if (m.value.length > MAX_MATCHER_VALUE_CHARS) problems.push(`${at}.value: longer than ${MAX_MATCHER_VALUE_CHARS} characters`);
  else if (m.isRegex) {
    try {
      new RegExp(m.value, FLAGS);
      anchored(m.value);
    } catch (err) {
      problems.push(`${at}.value: invalid regular expression (${(err as Error).message})`);
      return problems;
    }
    for (const p of analyzeRegex(anchoredSource(m.value), false, true).problems) problems.push(`${at}.value: unsafe pattern: ${p}`);
  }
  return problems;
}

/** Compiles a matcher that passed `matcherProblems`. */
export function compileMatcher(m: MuteMatcher): CompiledMatcher {
  if (!m.isRegex) return { name: m.name, test: (v) => v === m.value };
  const re = anchored(m.value);
  return { name: m.name, test: (v) => v.length <= MAX_REGEX_SUBJECT_CHARS && re.test(v) };
}

/** True when every matcher matches the incident's rule and key. */
export function matchesAll(matchers: readonly CompiledMatcher[], rule: string, key: GroupKey): boolean {
  for (const m of matchers) {
    const value = m.name === 'rule' ? rule : (key[m.name] ?? '');
    if (!m.test(value)) return false;
  }
  return true;
}

/** The expression a matcher runs as (what the safety check analyses: anchored, so it is tried only at 0). */
function anchoredSource(source: string): string {
  return `^(?:${source})$`;
}

function anchored(source: string): RegExp {
  return new RegExp(anchoredSource(source), FLAGS);
}
