/**
 * How many marked entries a run of consecutive entries covers, when the run cycles through a fixed list (as the
 * sender cycles through the message mix). O(1) per question after one prefix sum, so the sender can say how many
 * "Invalid user" lines it sent without looking at each message in its timed loop.
 */
export class CycleCount {
  /** prefix[i] = marked entries among the first i. */
  readonly #prefix: number[];

  constructor(marked: readonly boolean[]) {
    if (marked.length === 0) throw new Error('CycleCount: empty cycle');
    this.#prefix = [0];
    for (const m of marked) this.#prefix.push(this.#prefix[this.#prefix.length - 1]! + (m ? 1 : 0));
  }

  get length(): number {
    return this.#prefix.length - 1;
  }

  /** Marked entries among the n entries starting at index `start` (wrapping around). */
  count(start: number, n: number): number {
    if (!Number.isInteger(start) || start < 0 || !Number.isInteger(n) || n < 0) throw new Error(`CycleCount: bad run (start ${start}, n ${n})`);
    const len = this.length;
    const p = this.#prefix;
    const s = start % len;
    const rem = n % len;
    const full = ((n - rem) / len) * p[len]!;
    const end = s + rem;
    return full + (end <= len ? p[end]! - p[s]! : p[len]! - p[s]! + p[end - len]!);
  }
}
