/**
 * Load-time check that a pattern cannot backtrack catastrophically. JavaScript's regex engine backtracks, so a
 * pattern like `(a+)+$` takes exponential time on "aaaa…b". Every user and preset pattern must pass:
 *
 * 1. No nested repetition: a group repeated without a small bound (`*`, `+`, `{n,}` or a maximum above 16) may
 *    not contain anything that is itself repeated that way: `(a+)+`, `(.*)*`, `(\w+\s?)*`, `(?:x{1,100})+`.
 * 2. No ambiguous repeated alternation: the alternatives of such a repeated group must start with characters
 *    that no other alternative can start with, and none may match the empty string: `(a|ab)*`, `(x|x)*`,
 *    `(\d|[0-9a-f])+` are refused; `(?:foo|bar)+` is fine (use a character class for the others).
 * 3. No backreferences (`\1`, `\k<name>`).
 *
 * What remains is at worst polynomial (e.g. `.*a.*b` unanchored), and the text a pattern runs on is capped
 * (MAX_MATCH_CHARS in match.ts), which bounds that cost.
 */
import { type Ranges, type RegexNode, type Sequence, foldCase, overlaps, parseRegex } from './regex-tree.js';

/** Repetition counts above this are treated like unbounded ones. */
const SMALL_BOUND = 16;

export interface RegexAnalysis {
  /** Named capture groups in order. */
  readonly groupNames: readonly string[];
  /** Why the pattern is unsafe, one sentence each; empty when it is safe. */
  readonly problems: readonly string[];
  /** The pattern can match without consuming a character (so it matches every line). */
  readonly matchesEmpty: boolean;
}

/** Analyses a pattern that `new RegExp(source, flags)` already accepted. */
export function analyzeRegex(source: string, ignoreCase = false): RegexAnalysis {
  const tree = parseRegex(source);
  const problems = new Set<string>();
  for (const seq of tree.alternatives) checkSequence(seq, ignoreCase, problems);
  const matchesEmpty = tree.alternatives.some((alt) => firstChars(alt).nullable);
  return { groupNames: tree.groupNames, problems: [...problems], matchesEmpty };
}

const large = (max: number) => max > SMALL_BOUND;

function checkSequence(seq: Sequence, ignoreCase: boolean, problems: Set<string>): void {
  for (const term of seq) {
    const node = term.node;
    if (node.kind === 'backreference') problems.add(`backreferences such as ${node.text} are not allowed`);
    if (node.kind !== 'group') continue;
    if (large(term.max)) {
      if (node.alternatives.some(containsLargeRepeat)) {
        problems.add('nested repetition: a repeated group contains a repeated part, e.g. (a+)+ or (.*)*, which can take exponential time; remove one of the repetitions');
      }
      if (node.alternatives.length > 1 && ambiguous(node.alternatives, ignoreCase)) {
        problems.add('ambiguous repeated alternation, e.g. (a|ab)* or (x|x)*: in a repeated group every alternative must start with a character no other alternative starts with, and none may be empty; use a character class instead');
      }
    }
    for (const alt of node.alternatives) checkSequence(alt, ignoreCase, problems);
  }
}

function containsLargeRepeat(seq: Sequence): boolean {
  return seq.some((t) => large(t.max) || (t.node.kind === 'group' && t.node.alternatives.some(containsLargeRepeat)));
}

function ambiguous(alternatives: readonly Sequence[], ignoreCase: boolean): boolean {
  const firsts: Ranges[] = [];
  for (const alt of alternatives) {
    const f = firstChars(alt);
    if (f.nullable) return true;
    firsts.push(ignoreCase ? foldCase(f.ranges) : f.ranges);
  }
  for (let i = 0; i < firsts.length; i++) {
    for (let j = i + 1; j < firsts.length; j++) if (overlaps(firsts[i]!, firsts[j]!)) return true;
  }
  return false;
}

interface First {
  readonly ranges: Ranges;
  /** The sequence can match the empty string. */
  readonly nullable: boolean;
}

/** The characters a sequence can start with, and whether it can match nothing at all. */
function firstChars(seq: Sequence): First {
  const ranges: number[] = [];
  for (const term of seq) {
    const f = nodeFirst(term.node);
    ranges.push(...f.ranges);
    if (!f.nullable && term.min > 0) return { ranges, nullable: false };
  }
  return { ranges, nullable: true };
}

function nodeFirst(node: RegexNode): First {
  switch (node.kind) {
    case 'chars':
      return { ranges: node.ranges, nullable: false };
    case 'assertion':
      return { ranges: [], nullable: true };
    case 'backreference':
      return { ranges: [0, 0xffff], nullable: true };
    case 'group': {
      if (node.lookaround) return { ranges: [], nullable: true };
      const ranges: number[] = [];
      let nullable = false;
      for (const alt of node.alternatives) {
        const f = firstChars(alt);
        ranges.push(...f.ranges);
        nullable ||= f.nullable;
      }
      return { ranges, nullable };
    }
  }
}
