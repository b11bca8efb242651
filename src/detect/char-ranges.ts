/**
 * Sets of UTF-16 code units as inclusive ranges, and the set operations the backtracking checks need: overlap,
 * intersection, complement and ASCII case folding. regex-tree.ts builds such a set for every character atom.
 */

/** Inclusive code-unit ranges [lo, hi, lo, hi, ...]. */
export type Ranges = readonly number[];

export const MAX_UNIT = 0xffff;
export const ANY: Ranges = [0, MAX_UNIT];

export function complement(r: Ranges): Ranges {
  const sorted = normalize(r);
  const out: number[] = [];
  let next = 0;
  for (let i = 0; i < sorted.length; i += 2) {
    if (sorted[i]! > next) out.push(next, sorted[i]! - 1);
    next = sorted[i + 1]! + 1;
  }
  if (next <= MAX_UNIT) out.push(next, MAX_UNIT);
  return out;
}

function normalize(r: Ranges): number[] {
  const pairs: [number, number][] = [];
  for (let i = 0; i < r.length; i += 2) pairs.push([r[i]!, r[i + 1]!]);
  pairs.sort((a, b) => a[0] - b[0]);
  const out: number[] = [];
  for (const [lo, hi] of pairs) {
    const last = out.length - 1;
    if (last > 0 && lo <= out[last]! + 1) out[last] = Math.max(out[last]!, hi);
    else out.push(lo, hi);
  }
  return out;
}

export function overlaps(a: Ranges, b: Ranges): boolean {
  for (let i = 0; i < a.length; i += 2) {
    for (let j = 0; j < b.length; j += 2) if (a[i]! <= b[j + 1]! && b[j]! <= a[i + 1]!) return true;
  }
  return false;
}

/** The characters in both sets. */
export function intersect(a: Ranges, b: Ranges): Ranges {
  const out: number[] = [];
  for (let i = 0; i < a.length; i += 2) {
    for (let j = 0; j < b.length; j += 2) {
      const lo = Math.max(a[i]!, b[j]!);
      const hi = Math.min(a[i + 1]!, b[j + 1]!);
      if (lo <= hi) out.push(lo, hi);
    }
  }
  return out;
}

/** Adds the other case of ASCII letters (what the `i` flag does, near enough for an overlap test). */
export function foldCase(r: Ranges): Ranges {
  const out = [...r];
  for (let i = 0; i < r.length; i += 2) {
    for (const [from, to] of [[65, 97], [97, 65]] as const) {
      const lo = Math.max(r[i]!, from);
      const hi = Math.min(r[i + 1]!, from + 25);
      if (lo <= hi) out.push(lo - from + to, hi - from + to);
    }
  }
  return out;
}
