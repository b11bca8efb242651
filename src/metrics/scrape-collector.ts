import type { Metric, Registry } from 'prom-client';

export interface CollectedSample {
  readonly labels?: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface ScrapeCollectorSpec {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge';
  /** Called at each scrape; reads counters that other modules keep as plain numbers. */
  readonly collect: () => Iterable<CollectedSample>;
}

/** Registers a metric whose samples are computed only when Prometheus scrapes; nothing runs on the hot path. */
export function registerScrapeCollector(registry: Registry, spec: ScrapeCollectorSpec): void {
  const metric = {
    name: spec.name,
    help: spec.help,
    type: spec.type,
    aggregator: 'sum',
    get() {
      const values = [...spec.collect()].map((s) => ({ labels: { ...(s.labels ?? {}) }, value: s.value }));
      return { name: spec.name, help: spec.help, type: spec.type, aggregator: 'sum', values };
    },
  };
  registry.registerMetric(metric as unknown as Metric);
}
