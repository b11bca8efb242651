/**
 * Mute matchers: validation (every problem at once) and compiled matching. A regex matcher is anchored to the
 * whole value (`^(?:…)$`, as Alertmanager does) and must be safe to run on values a remote sender controls:
 * bounded length, no backreferences, no repeated group that contains a repetition or an alternation
 * ((a+)+, (\w*)*, (a|ab)*), at most two open-ended repetitions, and subjects of at most 1024 characters.
 * A field missing from an incident's key matches as the empty string (Alertmanager's label semantics).
 */
import type { GroupKey } from '../detect/types.js';
import type { MuteMatcher } from './types.js';

export const MAX_MATCHERS = 16;
export const MAX_MATCHER_VALUE_CHARS = 256;
/** Open-ended repetitions allowed in one regex: two keep the worst case quadratic. */
export const MAX_REPETITIONS = 2;
/** A value longer than this never matches a regex matcher (no host, address or user name is that long). */
export const MAX_REGEX_SUBJECT_CHARS = 1024;

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
    const unsafe = regexHazard(m.value);
    if (unsafe !== null) problems.push(`${at}.value: ${unsafe}`);
    else {
      try {
        anchored(m.value);
      } catch (err) {
        problems.push(`${at}.value: invalid regular expression (${(err as Error).message})`);
      }
    }
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

function anchored(source: string): RegExp {
  return new RegExp(`^(?:${source})$`, 'u');
}

/**
 * Why a pattern could backtrack catastrophically, or null. Conservative: it rejects a repeated group
 * (`*`, `+`, `{n,}`, `{n,m}`) that contains a repetition or an alternation (exponential), more than
 * MAX_REPETITIONS open-ended repetitions (a*a*a*a* is polynomial but already takes minutes on 256
 * characters), and backreferences.
 */
export function regexHazard(source: string): string | null {
  /** One frame per open group: does it contain a repetition, an alternation? */
  const groups: { rep: boolean; alt: boolean }[] = [{ rep: false, alt: false }];
  let repetitions = 0;
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (c === '(') {
      groups.push({ rep: false, alt: false });
      i++;
      continue;
    }
    if (c === '|') {
      groups[groups.length - 1]!.alt = true;
      i++;
      continue;
    }
    let q: Repetition;
    if (c === ')') {
      const inner = groups.length > 1 ? groups.pop()! : { rep: false, alt: false };
      q = repetitionAt(source, i + 1);
      if (q.len > 0 && inner.rep) return 'nested quantifiers (a repeated group containing a repetition, e.g. (a+)+) are not allowed';
      if (q.len > 0 && inner.alt) return 'a repeated alternation (e.g. (a|ab)*) is not allowed';
      if (inner.rep) groups[groups.length - 1]!.rep = true;
      i++;
    } else {
      if (c === '\\') {
        const next = source[i + 1] ?? '';
        if (/[1-9]/.test(next) || next === 'k') return 'backreferences are not allowed';
        i += 2;
      } else if (c === '[') i = classEnd(source, i + 1);
      else i++;
      q = repetitionAt(source, i);
    }
    if (q.variable) {
      groups[groups.length - 1]!.rep = true;
      if (++repetitions > MAX_REPETITIONS) return `more than ${MAX_REPETITIONS} open-ended repetitions (*, +, {n,}, {n,m}) are not allowed`;
    }
    i += q.len;
  }
  return null;
}

interface Repetition {
  /** Characters of the quantifier (0: none, or one that repeats at most once: ?, {0,1}, {1}). */
  readonly len: number;
  /** The number of repetitions is open (*, +, {n,}, {n,m} with m > n): a choice point when nested. */
  readonly variable: boolean;
}

const NONE: Repetition = { len: 0, variable: false };

/** The repeating quantifier at i (with its optional lazy ?), if any. */
function repetitionAt(s: string, i: number): Repetition {
  const c = s[i];
  let len: number;
  let variable = true;
  if (c === '*' || c === '+') len = 1;
  else if (c === '{') {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(s.slice(i));
    if (m === null) return NONE;
    const min = Number(m[1]);
    const max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
    if (max <= 1) return NONE;
    variable = max > min;
    len = m[0].length;
  } else return NONE;
  return { len: s[i + len] === '?' ? len + 1 : len, variable };
}

/** Index just past the `]` that closes a character class starting at i. */
function classEnd(s: string, i: number): number {
  while (i < s.length) {
    if (s[i] === '\\') i += 2;
    else if (s[i] === ']') return i + 1;
    else i++;
  }
  return i;
}
