/**
 * Load-time check that a pattern cannot backtrack catastrophically. JavaScript's regex engine backtracks, so a
 * pattern like `(a+)+$` takes exponential time on "aaaa…b", and `a*a*a*b` polynomial time that is just as fatal
 * on a 4096-character line. This is the one policy for every pattern that runs on text a remote sender controls:
 * rule patterns, presets and mute matchers. A pattern is refused when it has:
 *
 * 1. Nested repetition: a group repeated without a small bound (`*`, `+`, `{n,}` or a maximum above 16) may
 *    not contain anything that is itself repeated that way: `(a+)+`, `(.*)*`, `(\w+\s?)*`, `(?:x{1,100})+`.
 * 2. Ambiguous repeated alternation: the alternatives of a repeated group (any maximum above 1) must start with
 *    characters that no other alternative can start with, and none may match the empty string: `(a|ab)*`,
 *    `(x|x)*`, `(\d|[0-9a-f])+` are refused; `(?:foo|bar)+` is fine (use a character class for the others).
 * 3. An ambiguous choice inside a repeated group: an optional or variable-length part (`x?`, `x{1,3}`, a nested
 *    alternation) that may stop where what follows it (the rest of the group, or the next repetition) could start
 *    with the same character: `(?:\d{1,3})+`, `(?:a?a?)+`, `(?:\w{1,16}){1,16}` take exponential time, while
 *    `(?:\d{1,3}\.)+` is fine (the dot decides).
 * 4. Polynomial ambiguity (as in the ReDoS literature and the `recheck` tool, simplified): two open-ended
 *    repetitions R1 … R2 are *chained* when their character sets overlap and every part between them can match
 *    nothing or a character that both can match, so the text they share can be split between them in O(n) ways:
 *    `a*a*`, `\w+\d+`, `.*.*`, `\s*\s*`, `.*a.*`, `\S+=\S+`. A chain of k repetitions costs O(n^k) on an
 *    n-character line. An unanchored pattern is tried at every start position, which is one more repetition (of
 *    any character) in front; a pattern anchored with `^` is not. The chain may be at most MAX_DEGREE long: an
 *    unanchored pattern may not chain any two repetitions (`.*x` is fine, `.*a.*b` is not: 16 s on 4096 "a"),
 *    a `^`-anchored one may chain two but not three (`^.*a.*b` is fine, `^.*a.*b.*c` is not).
 *    - A repetition after which nothing can fail costs nothing: the match is over as soon as it is reached
 *      (`\w+\d+` and `.*.*` are fine, `\w+\d+z` and `.*.*$` are not). So a pattern is analysed as it runs, on
 *      its own or as one alternative of a larger alternation; a caller that appends to it must analyse the
 *      result (mute-matcher.ts analyses `^(?:…)$`).
 *    - A bounded repetition of a group (`{2,16}`) counts its parts once per copy; a lookaround counts where it
 *      runs, and always (it runs again whenever the engine backtracks to before it).
 *    - Patterns whose nesting makes this check itself expensive are refused as too complex.
 * 5. Backreferences (`\1`, `\k<name>`).
 *
 * What remains is at worst quadratic (e.g. `.*x` unanchored, `^.*a.*b`), and the text a pattern runs on is capped
 * (MAX_MATCH_CHARS in match.ts; mute matchers: MAX_REGEX_SUBJECT_CHARS), which bounds that cost. The analysis
 * assumes no `m` flag (then `^` anchors only at the start of the text). Check 4 is in regex-degree.ts; what both
 * analyses know about the parts of a pattern (first characters, alphabet, bounds) is in regex-terms.ts; the pattern
 * is parsed by regex-tree.ts, and its character sets are char-ranges.ts's.
 */
import { type Ranges, foldCase, overlaps } from './char-ranges.js';
import { type Sequence, type Term, parseRegex } from './regex-tree.js';
import { degreeProblem } from './regex-degree.js';
import { type Fold, alphabet, firstChars, firstOf, large, nodeFirst, show } from './regex-terms.js';

export interface RegexAnalysis {
  /** Named capture groups in order. */
  readonly groupNames: readonly string[];
  /** Why the pattern is unsafe, one sentence each; empty when it is safe. */
  readonly problems: readonly string[];
  /** The pattern can match without consuming a character (so it matches every line). */
  readonly matchesEmpty: boolean;
}

/**
 * Analyses a pattern that `new RegExp(source, flags)` already accepted, where flags contain `i` when
 * `ignoreCase` is set and `u` when `unicode` is set (and never `m`).
 */
export function analyzeRegex(source: string, ignoreCase = false, unicode = false): RegexAnalysis {
  const tree = parseRegex(source, unicode);
  const fold = ignoreCase ? foldCase : (r: Ranges) => r;
  const problems = new Set<string>();
  for (const seq of tree.alternatives) checkSequence(seq, fold, problems);
  const degree = degreeProblem(tree.alternatives, fold);
  if (degree !== null) problems.add(degree);
  const matchesEmpty = tree.alternatives.some((alt) => firstChars(alt).nullable);
  return { groupNames: tree.groupNames, problems: [...problems], matchesEmpty };
}

// ---- 1-3, 5: exponential backtracking -------------------------------------------------------------------------

function checkSequence(seq: Sequence, fold: Fold, problems: Set<string>): void {
  for (const term of seq) {
    const node = term.node;
    if (node.kind === 'backreference') problems.add(`backreferences such as ${node.text} are not allowed`);
    if (node.kind !== 'group') continue;
    if (term.max > 1 && !node.lookaround) {
      const nested = large(term.max) && node.alternatives.some(containsLargeRepeat);
      if (nested) {
        problems.add('nested repetition: a repeated group contains a repeated part, e.g. (a+)+ or (.*)*, which can take exponential time; remove one of the repetitions');
      }
      if (node.alternatives.length > 1 && ambiguous(node.alternatives, fold)) {
        problems.add('ambiguous repeated alternation, e.g. (a|ab)* or (x|x)*: in a repeated group every alternative must start with a character no other alternative starts with, and none may be empty; use a character class instead');
      } else if (!nested && ambiguousChoice(node.alternatives, fold(firstOf(node.alternatives).ranges), fold)) {
        problems.add(`ambiguous repetition in ${show(term.text)}: inside a repeated group an optional or variable-length part can end where the next part or repetition starts with the same character, e.g. (?:\\d{1,3})+ or (?:a?b?)+, which takes exponential time; put a character only one side can match between them, as in (?:\\d{1,3}\\.)+`);
      }
    }
    for (const alt of node.alternatives) checkSequence(alt, fold, problems);
  }
}

function containsLargeRepeat(seq: Sequence): boolean {
  return seq.some((t) => large(t.max) || (t.node.kind === 'group' && t.node.alternatives.some(containsLargeRepeat)));
}

function ambiguous(alternatives: readonly Sequence[], fold: Fold): boolean {
  const firsts: Ranges[] = [];
  for (const alt of alternatives) {
    const f = firstChars(alt);
    if (f.nullable) return true;
    firsts.push(fold(f.ranges));
  }
  return anyTwoOverlap(firsts);
}

function anyTwoOverlap(sets: readonly Ranges[]): boolean {
  for (let i = 0; i < sets.length; i++) {
    for (let j = i + 1; j < sets.length; j++) if (overlaps(sets[i]!, sets[j]!)) return true;
  }
  return false;
}

/**
 * Whether one repetition of a group has a choice the next character cannot settle: a part repeated a variable
 * number of times (`x?`, `x{1,3}`) whose next copy could start with a character that can also come right after
 * it, or a nested alternation whose branches (or the empty branch and what follows) can start alike.
 * `next`: the characters the next repetition of the group can start with. It counts after a part only when this
 * repetition may already have consumed something there: the engine refuses an empty repetition, so `(a?)+` is
 * fine while `(?:a?b?)+` ("ab" is one repetition or two) is not. Nested groups get it unconditionally.
 */
function ambiguousChoice(alternatives: readonly Sequence[], next: Ranges, fold: Fold, nested = false): boolean {
  for (const seq of alternatives) {
    let follow: Ranges = []; // what can come right after the current term within this repetition
    let restNullable = true; // the terms after the current one can all match nothing
    for (let i = seq.length - 1; i >= 0; i--) {
      const t = seq[i]!;
      if (t.node.kind === 'assertion' || (t.node.kind === 'group' && t.node.lookaround)) continue;
      const f = nodeFirst(t.node);
      const first = fold(f.ranges);
      const wraps = restNullable && (nested || t.max > 1 || seq.slice(0, i).some(consumes));
      const after = wraps ? [...follow, ...next] : follow;
      if (t.node.kind === 'group' && !large(t.max)) {
        // What can follow one copy of the group: another copy, or what follows the term.
        const inner = [...follow, ...(restNullable ? next : []), ...(t.max > 1 ? first : [])];
        const alts = t.node.alternatives;
        if (alts.length > 1) {
          const firsts = alts.map((a) => firstChars(a));
          if (firsts.filter((af) => af.nullable).length > 1) return true;
          if (anyTwoOverlap(firsts.map((af) => (af.nullable ? [...fold(af.ranges), ...inner] : fold(af.ranges))))) return true;
        }
        if (ambiguousChoice(alts, inner, fold, true)) return true;
      }
      // (An open-ended part is check 1's or check 4's business: nested repetition, or a chain across copies.)
      if (t.min < t.max && !large(t.max) && !f.nullable && overlaps(first, after)) return true;
      const optional = t.min === 0 || f.nullable;
      follow = optional ? [...first, ...follow] : first;
      restNullable &&= optional;
    }
  }
  return false;
}

/** The term can consume a character. */
function consumes(t: Term): boolean {
  return t.max > 0 && alphabet(t.node).length > 0;
}
