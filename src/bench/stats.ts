/** Small statistics helpers for the benchmark: medians, quantiles, histogram diffs. */

/** Median of the finite values; NaN when there are none. */
export function median(values: readonly number[]): number {
  const xs = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (xs.length === 0) return Number.NaN;
  const mid = xs.length >> 1;
  return xs.length % 2 === 1 ? xs[mid]! : (xs[mid - 1]! + xs[mid]!) / 2;
}

/** A Prometheus histogram snapshot: upper bounds (ascending, +Inf last) with cumulative counts. */
export interface HistogramSnapshot {
  readonly bounds: readonly number[];
  readonly cumulative: readonly number[];
  readonly count: number;
  readonly sum: number;
}

/** after - before, bucket by bucket (same bounds). */
export function diffHistogram(after: HistogramSnapshot, before: HistogramSnapshot): HistogramSnapshot {
  if (after.bounds.length !== before.bounds.length) throw new Error('histogram bounds changed between snapshots');
  return {
    bounds: after.bounds,
    cumulative: after.cumulative.map((c, i) => c - (before.cumulative[i] ?? 0)),
    count: after.count - before.count,
    sum: after.sum - before.sum,
  };
}

/** A quantile estimated from a histogram, with the bucket it fell in. */
export interface QuantileEstimate {
  readonly value: number;
  /** The bucket the quantile fell in: (lower, upper]. */
  readonly lower: number;
  readonly upper: number;
  readonly aboveLastBound: boolean;
}

/**
 * The q-quantile, interpolating linearly within the bucket it falls in (as Prometheus' histogram_quantile does;
 * the first bucket's lower edge is 0). A quantile in the +Inf bucket returns the last finite bound, flagged.
 */
export function histogramQuantile(h: HistogramSnapshot, q: number): QuantileEstimate {
  if (h.count <= 0) return { value: Number.NaN, lower: Number.NaN, upper: Number.NaN, aboveLastBound: false };
  const target = q * h.count;
  let lower = 0;
  let prev = 0;
  for (let i = 0; i < h.bounds.length; i++) {
    const upper = h.bounds[i]!;
    const c = h.cumulative[i]!;
    if (c >= target && c > prev) {
      if (!Number.isFinite(upper)) return { value: lower, lower, upper, aboveLastBound: true };
      return { value: lower + ((upper - lower) * (target - prev)) / (c - prev), lower, upper, aboveLastBound: false };
    }
    lower = Number.isFinite(upper) ? upper : lower;
    prev = c;
  }
  return { value: lower, lower, upper: Number.POSITIVE_INFINITY, aboveLastBound: true };
}
