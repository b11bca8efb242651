import type { Metric, Registry } from 'prom-client';

/**
 * A label-less histogram whose observe() is a short loop over a Float64Array: prom-client's Histogram builds
 * a closure and hashes labels on every observe, which is too much for once-per-message use.
 */
export class LatencyHistogram {
  readonly #bounds: Float64Array;
  readonly #counts: Float64Array;
  #sum = 0;
  #count = 0;

  constructor(
    registry: Registry,
    readonly name: string,
    readonly help: string,
    buckets: readonly number[],
  ) {
    this.#bounds = Float64Array.from([...buckets].sort((a, b) => a - b));
    this.#counts = new Float64Array(this.#bounds.length);
    registry.registerMetric(this as unknown as Metric);
  }

  readonly type = 'histogram';

  observe(value: number): void {
    const bounds = this.#bounds;
    for (let i = 0; i < bounds.length; i++) {
      if (value <= bounds[i]!) {
        this.#counts[i]! += 1;
        break;
      }
    }
    this.#sum += value;
    this.#count += 1;
  }

  get(): { name: string; help: string; type: string; values: { value: number; labels: Record<string, string | number>; metricName: string }[]; aggregator: string } {
    const values: { value: number; labels: Record<string, string | number>; metricName: string }[] = [];
    let cumulative = 0;
    for (let i = 0; i < this.#bounds.length; i++) {
      cumulative += this.#counts[i]!;
      values.push({ metricName: `${this.name}_bucket`, labels: { le: this.#bounds[i]! }, value: cumulative });
    }
    values.push({ metricName: `${this.name}_bucket`, labels: { le: '+Inf' }, value: this.#count });
    values.push({ metricName: `${this.name}_sum`, labels: {}, value: this.#sum });
    values.push({ metricName: `${this.name}_count`, labels: {}, value: this.#count });
    return { name: this.name, help: this.help, type: this.type, values, aggregator: 'sum' };
  }

  /** Quantile estimate from the buckets (linear interpolation), for the benchmark and logs. */
  quantile(q: number): number {
    const target = q * this.#count;
    let cumulative = 0;
    let lower = 0;
    for (let i = 0; i < this.#bounds.length; i++) {
      const c = this.#counts[i]!;
      if (cumulative + c >= target && c > 0) return lower + ((this.#bounds[i]! - lower) * (target - cumulative)) / c;
      cumulative += c;
      lower = this.#bounds[i]!;
    }
    return Number.POSITIVE_INFINITY;
  }
}
