/**
 * What the terms of a parsed pattern can match, as both backtracking checks (regex-safety.ts, regex-degree.ts) see
 * it: the characters a term can start with and consume, which repetitions count as unbounded, and how a term is
 * quoted in a message.
 */
import { ANY, type Ranges } from './char-ranges.js';
import type { RegexNode, Sequence } from './regex-tree.js';

/** Repetition counts above this are treated like unbounded ones. */
const SMALL_BOUND = 16;

/** Case folding when the pattern has the `i` flag, else the identity. */
export type Fold = (r: Ranges) => Ranges;

export const large = (max: number) => max > SMALL_BOUND;

/** Every character a node can consume (lookarounds consume none). */
export function alphabet(node: RegexNode): Ranges {
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

/** A term's source text as quoted in a message (a long one shortened). */
export function show(text: string): string {
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

// ---- first characters -----------------------------------------------------------------------------------------

export interface First {
  readonly ranges: Ranges;
  /** The sequence can match the empty string. */
  readonly nullable: boolean;
}

export function firstOf(alternatives: readonly Sequence[]): First {
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
export function firstChars(seq: Sequence): First {
  const ranges: number[] = [];
  for (const term of seq) {
    const f = nodeFirst(term.node);
    ranges.push(...f.ranges);
    if (!f.nullable && term.min > 0) return { ranges, nullable: false };
  }
  return { ranges, nullable: true };
}

export function nodeFirst(node: RegexNode): First {
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
