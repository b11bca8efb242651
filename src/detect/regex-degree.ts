/**
 * Check 4 of regex-safety.ts, polynomial backtracking: the longest chain of open-ended repetitions that can split
 * the same text between them, each one more factor of n in the time a pattern takes on an n-character line.
 */
import { ANY, type Ranges, intersect, overlaps } from './char-ranges.js';
import type { Sequence, Term } from './regex-tree.js';
import { type Fold, alphabet, large, show } from './regex-terms.js';

/** The longest chain of repetitions allowed (the start-position loop of an unanchored pattern included). */
export const MAX_DEGREE = 2;

/**
 * Why the pattern (its top-level alternatives) can take polynomial time beyond MAX_DEGREE, or why it is too
 * complex to tell; null when it cannot.
 */
export function degreeProblem(alternatives: readonly Sequence[], fold: Fold): string | null {
  const chain = new ChainCheck(alternatives, fold).worst();
  if (chain === 'too complex') return TOO_COMPLEX;
  return chain === null ? null : describeChain(chain);
}

/** A chain of repetitions found too long, for the message. */
interface Chain {
  /** The source text of each open-ended repetition in it, in order (the start-position loop left out). */
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

function describeChain(chain: Chain): string {
  const names = chain.loops.map(show);
  const list = names.length === 2 ? `${names[0]} and ${names[1]}` : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
  if (chain.unanchored && names.length === 2) {
    return `polynomial backtracking: ${list} can match the same characters one after the other (as in a*a*b, \\w+\\d+z or .*a.*b), which takes cubic time on a long line because an unanchored pattern is tried at every position; put a character only one of them can match between them (e.g. \\S+ \\S+ or [^=\\s]+=\\S+), or anchor the pattern with ^`;
  }
  return `polynomial backtracking: ${list} can match the same characters one after the other (as in a*a*a* or ^.*a.*b.*c), which takes at least cubic time on a long line; put a character only one side can match between them (e.g. \\S+ \\S+ or [^=\\s]+=\\S+)`;
}
