/**
 * An exponentially weighted mean and variance (EWMA/EWMV) of a series of per-interval counts, updated
 * incrementally (Finch, "Incremental calculation of weighted mean and variance", 2009):
 *   diff = x - mean;  mean += a·diff;  variance = (1 - a)·(variance + a·diff²)
 * The weight of the newest value is a = max(alpha, 1/n) for the n-th value: the first 1/alpha values are
 * averaged plainly (a = 1/n gives exactly the arithmetic mean and the population variance), so the estimate is
 * not pulled towards the starting zero; from there on it is the usual EWMA with weight alpha.
 */

/** The learned numbers of one key. */
export interface EwmaState {
  mean: number;
  variance: number;
  /** Values folded in so far (completed intervals). */
  intervals: number;
}

/** Folds one more value in. */
export function foldValue(s: EwmaState, x: number, alpha: number): void {
  s.intervals++;
  const a = Math.max(alpha, 1 / s.intervals);
  const diff = x - s.mean;
  s.mean += a * diff;
  s.variance = (1 - a) * (s.variance + a * diff * diff);
}

/**
 * Folds `count` zeros in (a key's silent intervals), in O(1) once past the plain-average start: with b = (1-alpha)^n,
 * n zeros give mean·b and b·(variance + mean²·(1 - b)) (the recurrence above, summed as a geometric series).
 */
export function foldZeros(s: EwmaState, count: number, alpha: number): void {
  let left = count;
  while (left > 0 && 1 / (s.intervals + 1) > alpha) {
    foldValue(s, 0, alpha); // at most 1/alpha steps in a key's life
    left--;
  }
  if (left <= 0) return;
  const b = Math.pow(1 - alpha, left);
  s.variance = b * (s.variance + s.mean * s.mean * (1 - b));
  s.mean *= b;
  s.intervals += left;
}

/**
 * The count an interval must exceed to be unusual: mean + sigma·σ, where σ is the learned standard deviation
 * but at least √mean, the spread of a random (Poisson) count with that mean, so a sender that logs exactly the
 * same number of lines every interval (σ = 0) does not fire on one extra line.
 */
export function limitOf(s: EwmaState, sigma: number): number {
  return s.mean + sigma * Math.sqrt(Math.max(s.variance, s.mean));
}
