/**
 * A small parser of JavaScript regular expression source (Annex B syntax, or `u`-flag syntax when asked) into
 * the shape the safety check needs: sequences of quantified terms, groups with their alternatives, and for every
 * character atom the set of characters it can match (as code-unit ranges, char-ranges.ts). Call it only on
 * source that `new RegExp()` accepted with the same flags: it does not report syntax errors.
 *
 * With the `u` flag a character outside the Basic Multilingual Plane is one atom; its set is approximated by the
 * whole surrogate block (0xD800-0xDFFF), and a property escape (`\p{…}`, `\P{…}`) by every character: both are
 * over-approximations, which is the safe direction for an overlap test.
 */

import { ANY, MAX_UNIT, type Ranges, complement } from './char-ranges.js';

export type RegexNode =
  | { readonly kind: 'chars'; readonly ranges: Ranges }
  | { readonly kind: 'group'; readonly alternatives: readonly Sequence[]; readonly lookaround: boolean }
  /** `^`, `$`, `\b` or `\B` (zero-width: matches no character). */
  | { readonly kind: 'assertion'; readonly text: string }
  | { readonly kind: 'backreference'; readonly text: string };

export interface Term {
  readonly node: RegexNode;
  readonly min: number;
  /** Infinity for *, + and {n,}. */
  readonly max: number;
  /** The term's source text, quantifier included (for messages). */
  readonly text: string;
}

export type Sequence = readonly Term[];

export interface RegexTree {
  readonly alternatives: readonly Sequence[];
  /** Named capture groups in order of appearance. */
  readonly groupNames: readonly string[];
}

/** The code units of characters outside the BMP (surrogate pairs): how a `u`-mode astral character is approximated. */
const SURROGATES: Ranges = [0xd800, 0xdfff];
/** What `\d`, `\w` and `\s` match (their negations are the complements). */
const DIGIT: Ranges = [48, 57];
const WORD: Ranges = [48, 57, 65, 90, 95, 95, 97, 122];
const SPACE: Ranges = [9, 13, 32, 32, 160, 160, 5760, 5760, 8192, 8202, 8232, 8233, 8239, 8239, 8287, 8287, 12288, 12288, 65279, 65279];

const CLASS_ESCAPES: Readonly<Record<string, Ranges>> = {
  d: DIGIT, D: complement(DIGIT), w: WORD, W: complement(WORD), s: SPACE, S: complement(SPACE),
};
const CONTROL_ESCAPES: Readonly<Record<string, number>> = { n: 10, r: 13, t: 9, v: 11, f: 12, '0': 0 };

class Parser {
  pos = 0;
  readonly groupNames: string[] = [];
  constructor(readonly src: string, readonly unicode: boolean) {}

  disjunction(): Sequence[] {
    const alternatives: Sequence[] = [this.sequence()];
    while (this.src[this.pos] === '|') {
      this.pos++;
      alternatives.push(this.sequence());
    }
    return alternatives;
  }

  sequence(): Term[] {
    const terms: Term[] = [];
    while (this.pos < this.src.length && this.src[this.pos] !== '|' && this.src[this.pos] !== ')') {
      const start = this.pos;
      const node = this.atom();
      const [min, max] = this.quantifier();
      terms.push({ node, min, max, text: this.src.slice(start, this.pos) });
    }
    return terms;
  }

  quantifier(): [number, number] {
    const c = this.src[this.pos];
    let q: [number, number] | null = null;
    if (c === '*') q = [0, Infinity];
    else if (c === '+') q = [1, Infinity];
    else if (c === '?') q = [0, 1];
    if (q !== null) this.pos++;
    else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.pos));
      if (m === null) return [1, 1]; // Annex B: a literal "{"
      this.pos += m[0].length;
      const min = Number(m[1]);
      q = [min, m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3])];
    } else return [1, 1];
    if (this.src[this.pos] === '?') this.pos++; // lazy: same language, same risk
    return q;
  }

  atom(): RegexNode {
    const c = this.src[this.pos++]!;
    if (c === '^' || c === '$') return { kind: 'assertion', text: c };
    if (c === '.') return { kind: 'chars', ranges: ANY };
    if (c === '[') return { kind: 'chars', ranges: this.bracketClass() };
    if (c === '(') return this.group();
    if (c === '\\') return this.escape();
    if (this.unicode && this.surrogatePair(this.pos - 1)) {
      this.pos++;
      return { kind: 'chars', ranges: SURROGATES };
    }
    return { kind: 'chars', ranges: [c.charCodeAt(0), c.charCodeAt(0)] };
  }

  group(): RegexNode {
    let lookaround = false;
    if (this.src.startsWith('?:', this.pos)) this.pos += 2;
    else if (/^\?(?:=|!|<=|<!)/.test(this.src.slice(this.pos, this.pos + 3))) {
      lookaround = true;
      this.pos += this.src[this.pos + 1] === '<' ? 3 : 2;
    } else if (this.src[this.pos] === '?' && this.src[this.pos + 1] === '<') {
      const end = this.src.indexOf('>', this.pos);
      this.groupNames.push(this.src.slice(this.pos + 2, end));
      this.pos = end + 1;
    }
    const alternatives = this.disjunction();
    this.pos++; // ')'
    return { kind: 'group', alternatives, lookaround };
  }

  escape(): RegexNode {
    const c = this.src[this.pos++]!;
    if (c === 'b' || c === 'B') return { kind: 'assertion', text: `\\${c}` };
    const cls = this.classEscape(c);
    if (cls !== undefined) return { kind: 'chars', ranges: cls };
    if (/[1-9]/.test(c)) {
      while (/\d/.test(this.src[this.pos] ?? '')) this.pos++;
      return { kind: 'backreference', text: `\\${c}` };
    }
    if (c === 'k' && this.src[this.pos] === '<') {
      const end = this.src.indexOf('>', this.pos);
      const text = this.src.slice(this.pos - 2, end + 1);
      this.pos = end + 1;
      return { kind: 'backreference', text };
    }
    return { kind: 'chars', ranges: unitRanges(this.escapedUnit(c)) };
  }

  /** `\d`, `\w`, `\s` and their negations; with the `u` flag also `\p{…}` and `\P{…}` (taken as any character). */
  classEscape(c: string): Ranges | undefined {
    if (this.unicode && (c === 'p' || c === 'P') && this.src[this.pos] === '{') {
      this.pos = this.src.indexOf('}', this.pos) + 1;
      return ANY;
    }
    return CLASS_ESCAPES[c];
  }

  surrogatePair(i: number): boolean {
    const hi = this.src.charCodeAt(i);
    const lo = this.src.charCodeAt(i + 1);
    return hi >= 0xd800 && hi <= 0xdbff && lo >= 0xdc00 && lo <= 0xdfff;
  }

  /**
   * The character an escape stands for (the backslash and `c` already consumed): a code unit, or with the `u`
   * flag a code point (`\u{1F600}`), which can be above 0xFFFF.
   */
  escapedUnit(c: string): number {
    const control = CONTROL_ESCAPES[c];
    if (control !== undefined) return control;
    if (this.unicode && c === 'u' && this.src[this.pos] === '{') {
      const end = this.src.indexOf('}', this.pos);
      const cp = parseInt(this.src.slice(this.pos + 1, end), 16);
      this.pos = end + 1;
      return cp;
    }
    const hex = c === 'x' ? 2 : c === 'u' ? 4 : 0;
    if (hex > 0) {
      const digits = this.src.slice(this.pos, this.pos + hex);
      if (new RegExp(`^[0-9a-fA-F]{${hex}}$`).test(digits)) {
        this.pos += hex;
        return parseInt(digits, 16);
      }
    }
    if (c === 'c' && /[A-Za-z]/.test(this.src[this.pos] ?? '')) return this.src.charCodeAt(this.pos++) % 32;
    return c.charCodeAt(0);
  }

  bracketClass(): Ranges {
    const negated = this.src[this.pos] === '^';
    if (negated) this.pos++;
    let ranges: number[] = [];
    while (this.pos < this.src.length && this.src[this.pos] !== ']') {
      const lo = this.classAtom();
      if (typeof lo === 'number' && this.src[this.pos] === '-' && this.src[this.pos + 1] !== ']' && this.pos + 1 < this.src.length) {
        this.pos++;
        const hi = this.classAtom();
        if (typeof hi === 'number') {
          ranges.push(lo, hi);
          continue;
        }
        ranges.push(lo, lo, 45, 45, ...hi);
        continue;
      }
      if (typeof lo === 'number') ranges.push(lo, lo);
      else ranges.push(...lo);
    }
    this.pos++; // ']'
    ranges = toUnits(ranges);
    if (!negated) return ranges;
    // A negated class matches astral characters unless it lists them all: keep the surrogates in it (u flag).
    return this.unicode ? [...complement(ranges), ...SURROGATES] : complement(ranges);
  }

  classAtom(): number | Ranges {
    const c = this.src[this.pos++]!;
    if (c !== '\\') {
      if (this.unicode && this.surrogatePair(this.pos - 1)) return this.src.codePointAt(this.pos++ - 1)!;
      return c.charCodeAt(0);
    }
    const e = this.src[this.pos++]!;
    const cls = this.classEscape(e);
    if (cls !== undefined) return cls;
    if (e === 'b') return 8;
    return this.escapedUnit(e);
  }
}

/** The ranges of one character (a code point above 0xFFFF becomes the surrogate block). */
function unitRanges(cp: number): Ranges {
  return cp > MAX_UNIT ? SURROGATES : [cp, cp];
}

/** Maps code-point ranges (u flag) onto code units: the part above 0xFFFF becomes the surrogate block. */
function toUnits(r: readonly number[]): number[] {
  if (!r.some((x) => x > MAX_UNIT)) return [...r];
  const out: number[] = [];
  for (let i = 0; i < r.length; i += 2) {
    if (r[i]! <= MAX_UNIT) out.push(r[i]!, Math.min(r[i + 1]!, MAX_UNIT));
    if (r[i + 1]! > MAX_UNIT) out.push(...SURROGATES);
  }
  return out;
}

/** Parses `source` as `new RegExp(source)` would, or as `new RegExp(source, 'u')` when `unicode` is set. */
export function parseRegex(source: string, unicode = false): RegexTree {
  const parser = new Parser(source, unicode);
  const alternatives = parser.disjunction();
  return { alternatives, groupNames: parser.groupNames };
}
