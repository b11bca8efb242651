/**
 * Host name globs: `*` matches any run of characters (also none), `?` exactly one, everything else itself,
 * ignoring ASCII case (host names are case-insensitive). Linear for patterns with one `*`, and at worst
 * pattern × text for more (no backtracking beyond the last `*`), without building a regex or allocating.
 */
const STAR = 42;
const QUESTION = 63;

function lower(code: number): number {
  return code >= 65 && code <= 90 ? code + 32 : code;
}

export function globMatch(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  let starP = -1;
  let starT = 0;
  while (t < text.length) {
    const pc = p < pattern.length ? pattern.charCodeAt(p) : -1;
    if (pc === STAR) {
      starP = p++;
      starT = t;
    } else if (pc !== -1 && (pc === QUESTION || lower(pc) === lower(text.charCodeAt(t)))) {
      p++;
      t++;
    } else if (starP !== -1) {
      p = starP + 1;
      t = ++starT;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern.charCodeAt(p) === STAR) p++;
  return p === pattern.length;
}
