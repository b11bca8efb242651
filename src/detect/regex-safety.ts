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
 * assumes no `m` flag (then `^` anchors only at the start of the text).
 */
import {
  ANY, type Ranges, type RegexNode, type Sequence, type Term, foldCase, intersect, overlaps, parseRegex,
} from './regex-tree.js';

/** Repetition counts above this are treated like unbounded ones. */
const SMALL_BOUND = 16;
/** The longest chain of repetitions allowed (the start-position loop of an unanchored pattern included). */
export const MAX_DEGREE = 2;

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
  const chain = new ChainCheck(tree.alternatives, fold).worst();
  if (chain === 'too complex') problems.add(TOO_COMPLEX);
  else if (chain !== null) problems.add(chainProblem(chain));
  const matchesEmpty = tree.alternatives.some((alt) => firstChars(alt).nullable);
  return { groupNames: tree.groupNames, problems: [...problems], matchesEmpty };
}

type Fold = (r: Ranges) => Ranges;

const large = (max: number) => max > SMALL_BOUND;

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

// ---- 4: polynomial backtracking -------------------------------------------------------------------------------

/** A chain of repetitions, as loop indices (0: the start-position loop of an unanchored pattern). */
interface Chain {
  readonly loops: readonly string[];
  /** The chain starts at the start-position loop. */
  readonly unanchored: boolean;
}

/** What the walk knows about an open-ended repetition already passed: how long a chain ends in it, and which
 * later repetitions it can still chain with (every part passed since can match a character both can). */
interface Live {
  readonly chain: readonly number[];
  readonly viable: readonly boolean[];
}

type State = ReadonlyMap<number, Live>;

/** Unrolling a bounded repetition beyond this many copies cannot lengthen a chain past MAX_DEGREE + 1. */
const MAX_COPIES = MAX_DEGREE + 1;
/** Steps the chain check may take (nested bounded groups multiply): beyond this the pattern is refused. */
const MAX_STEPS = 20_000;
const TOO_COMPLEX = 'too complex to check for backtracking (deeply nested repeated groups, e.g. ((((a){3}){3}){3}){3}); simplify the pattern';

/** Ends the walk: a chain is already too long, or the step budget is spent. */
class Stop extends Error {}

class ChainCheck {
  /** Loop 0 is the start-position loop; the others are the open-ended repetitions in source order. */
  private readonly loops: { readonly text: string; readonly chars: Ranges }[] = [{ text: '', chars: ANY }];
  private readonly index = new Map<Term, number>();
  /** Groups that contain an open-ended repetition (only those need unrolling: separators are idempotent). */
  private readonly withLoops = new Set<Term>();
  /** shared[a][b]: the characters both loop a and loop b can match. */
  private readonly shared: Ranges[][];
  private longest: readonly number[] = [];
  private steps = 0;

  constructor(private readonly alternatives: readonly Sequence[], private readonly fold: Fold) {
    for (const seq of alternatives) this.collect(seq);
    this.shared = this.loops.map((a) => this.loops.map((b) => intersect(a.chars, b.chars)));
  }

  /** A chain longer than MAX_DEGREE, if there is one. */
  worst(): Chain | 'too complex' | null {
    try {
      for (const seq of this.alternatives) {
        const start: State = startsAnchored(seq) ? new Map() : new Map([[0, this.fresh([], 0)]]);
        this.walk(seq, start, true);
      }
    } catch (err) {
      if (!(err instanceof Stop)) throw err;
    }
    if (this.longest.length <= MAX_DEGREE) return this.steps > MAX_STEPS ? 'too complex' : null;
    return { loops: this.longest.filter((i) => i !== 0).map((i) => this.loops[i]!.text), unanchored: this.longest[0] === 0 };
  }

  /** Numbers the open-ended repetitions; true when the sequence contains one. */
  private collect(seq: Sequence): boolean {
    let found = false;
    for (const t of seq) {
      if (large(t.max) && (t.node.kind === 'chars' || (t.node.kind === 'group' && !t.node.lookaround))) {
        this.index.set(t, this.loops.length);
        this.loops.push({ text: t.text, chars: this.fold(alphabet(t.node)) });
        found = true;
      } else if (t.node.kind === 'group') {
        for (const alt of t.node.alternatives) if (this.collect(alt)) this.withLoops.add(t);
        found ||= this.withLoops.has(t);
      }
    }
    return found;
  }

  /**
   * Follows the sequence from `state`. `endsMatch`: reaching the end of the sequence ends the match (of the
   * pattern, or of a lookaround), so a part after which nothing can fail costs nothing: the engine never comes
   * back to it (`\w+\d+` and `.*.*` succeed as soon as they start; `\w+\d+z` and `.*.*$` do not).
   */
  private walk(seq: Sequence, state: State, endsMatch: boolean): State {
    for (let i = 0; i < seq.length; i++) {
      if (++this.steps > MAX_STEPS) throw new Stop();
      const t = seq[i]!;
      const node = t.node;
      const restEndsMatch = endsMatch && alwaysMatchesEmpty(seq.slice(i + 1));
      const loop = this.index.get(t);
      if (loop !== undefined) {
        if (restEndsMatch) return state;
        state = this.visitLoop(loop, t.min, state);
      } else if (node.kind === 'chars') {
        if (t.min > 0) state = this.separator(state, this.fold(node.ranges));
      } else if (node.kind === 'group' && node.lookaround) {
        // Runs (and costs) here, consumes nothing: what it chains with ends with it. Its success does not end the
        // match: when what follows fails, the engine backtracks before it and runs it again, in full.
        for (const alt of node.alternatives) this.walk(alt, state, false);
      } else if (node.kind === 'group') {
        const copies = Math.min(t.max, this.withLoops.has(t) ? MAX_COPIES : 1);
        let before = state;
        for (let copy = 1; copy <= copies; copy++) {
          // After this copy, the match may end if no further copy is required and the rest can match nothing.
          const next = node.alternatives.map((alt) => this.walk(alt, before, restEndsMatch && copy >= t.min));
          if (copy > t.min) next.push(before);
          before = next.reduce(merge);
        }
        state = before;
      }
    }
    return state;
  }

  private visitLoop(loop: number, min: number, state: State): State {
    let chain: readonly number[] = [];
    for (const live of state.values()) if (live.viable[loop] === true && live.chain.length > chain.length) chain = live.chain;
    const mine = this.fresh(chain, loop);
    if (mine.chain.length > this.longest.length) this.longest = mine.chain;
    if (this.longest.length > MAX_DEGREE) throw new Stop();
    const passed = min > 0 ? this.separator(state, this.loops[loop]!.chars) : state;
    return merge(passed, new Map([[loop, mine]]));
  }

  private fresh(chain: readonly number[], loop: number): Live {
    return { chain: [...chain, loop], viable: this.shared[loop]!.map((s) => s.length > 0) };
  }

  /** Passing a part that matches one of `chars`: a chain survives only where it can match a shared character. */
  private separator(state: State, chars: Ranges): State {
    const out = new Map<number, Live>();
    for (const [loop, live] of state) {
      const viable = live.viable.map((v, other) => v && overlaps(chars, this.shared[loop]![other]!));
      if (viable.some((v) => v)) out.set(loop, { chain: live.chain, viable });
    }
    return out;
  }
}

/** Two ways to reach the same point: the longer chain, and whatever either can still chain with. */
function merge(a: State, b: State): State {
  const out = new Map(a);
  for (const [loop, live] of b) {
    const other = out.get(loop);
    if (other === undefined) out.set(loop, live);
    else {
      out.set(loop, {
        chain: other.chain.length >= live.chain.length ? other.chain : live.chain,
        viable: other.viable.map((v, i) => v || live.viable[i]!),
      });
    }
  }
  return out;
}

/** The sequence matches the empty string wherever it is tried (no assertion or lookaround that could fail). */
function alwaysMatchesEmpty(seq: Sequence): boolean {
  return seq.every((t) => t.min === 0 || (t.node.kind === 'group' && !t.node.lookaround && t.node.alternatives.some(alwaysMatchesEmpty)));
}

/** Every way through the sequence starts with `^` (so, without the `m` flag, it can match only at 0). */
function startsAnchored(seq: Sequence): boolean {
  for (const t of seq) {
    const node = t.node;
    if (node.kind === 'assertion') {
      if (node.text === '^') return true;
      continue;
    }
    if (node.kind === 'group' && node.lookaround) continue;
    return node.kind === 'group' && t.min > 0 && node.alternatives.every(startsAnchored);
  }
  return false;
}

/** Every character a node can consume (lookarounds consume none). */
function alphabet(node: RegexNode): Ranges {
  switch (node.kind) {
    case 'chars':
      return node.ranges;
    case 'assertion':
      return [];
    case 'backreference':
      return ANY;
    case 'group':
      return node.lookaround ? [] : node.alternatives.flatMap((alt) => alt.flatMap((t) => [...alphabet(t.node)]));
  }
}

function chainProblem(chain: Chain): string {
  const names = chain.loops.map(show);
  const list = names.length === 2 ? `${names[0]} and ${names[1]}` : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
  if (chain.unanchored && names.length === 2) {
    return `polynomial backtracking: ${list} can match the same characters one after the other (as in a*a*b, \\w+\\d+z or .*a.*b), which takes cubic time on a long line because an unanchored pattern is tried at every position; put a character only one of them can match between them (e.g. \\S+ \\S+ or [^=\\s]+=\\S+), or anchor the pattern with ^`;
  }
  return `polynomial backtracking: ${list} can match the same characters one after the other (as in a*a*a* or ^.*a.*b.*c), which takes at least cubic time on a long line; put a character only one side can match between them (e.g. \\S+ \\S+ or [^=\\s]+=\\S+)`;
}

function show(text: string): string {
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

// ---- first characters -----------------------------------------------------------------------------------------

interface First {
  readonly ranges: Ranges;
  /** The sequence can match the empty string. */
  readonly nullable: boolean;
}

function firstOf(alternatives: readonly Sequence[]): First {
  const ranges: number[] = [];
  let nullable = false;
  for (const alt of alternatives) {
    const f = firstChars(alt);
    ranges.push(...f.ranges);
    nullable ||= f.nullable;
  }
  return { ranges, nullable };
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
      return { ranges: ANY, nullable: true };
    case 'group':
      return node.lookaround ? { ranges: [], nullable: true } : firstOf(node.alternatives);
  }
}
