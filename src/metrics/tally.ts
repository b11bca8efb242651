import type { Metric, Registry } from 'prom-client';

type MetricValue = { value: number; labels: Record<string, string>; metricName?: string };

/**
 * A counter or gauge over a fixed, bounded set of label values, kept in a Float64Array. The hot path does
 * `add(index, n)` (no label hashing, no allocation); the exposition is built only when Prometheus scrapes.
 * Every combination is exported, including zeros, so dashboards see a series before the first event.
 */
export class Tally<L extends string> {
  readonly #values: Float64Array;
  readonly #labelSets: Record<L, string>[];

  constructor(
    registry: Registry,
    readonly name: string,
    readonly help: string,
    readonly type: 'counter' | 'gauge',
    labelValues: Readonly<Record<L, readonly string[]>>,
  ) {
    this.#labelSets = combinations(labelValues);
    this.#values = new Float64Array(this.#labelSets.length);
    registry.registerMetric(this as unknown as Metric);
  }

  /** Index of a label combination, for callers that cache it. Labels not in the declared sets throw. */
  indexOf(labels: Readonly<Record<L, string>>): number {
    const i = this.#labelSets.findIndex((set) => Object.entries(set).every(([k, v]) => labels[k as L] === v));
    if (i < 0) throw new RangeError(`${this.name}: label set ${JSON.stringify(labels)} is not declared`);
    return i;
  }

  add(index: number, n = 1): void {
    this.#values[index]! += n;
  }

  set(index: number, v: number): void {
    this.#values[index] = v;
  }

  value(index: number): number {
    return this.#values[index]!;
  }

  get(): { name: string; help: string; type: string; values: MetricValue[]; aggregator: string } {
    const values: MetricValue[] = this.#labelSets.map((labels, i) => ({ labels: { ...labels }, value: this.#values[i]! }));
    return { name: this.name, help: this.help, type: this.type, values, aggregator: 'sum' };
  }
}

function combinations<L extends string>(labelValues: Readonly<Record<L, readonly string[]>>): Record<L, string>[] {
  let sets: Record<string, string>[] = [{}];
  for (const [name, values] of Object.entries(labelValues) as [string, readonly string[]][]) {
    sets = sets.flatMap((set) => values.map((v) => ({ ...set, [name]: v })));
  }
  return sets as Record<L, string>[];
}
