/** A Prometheus text exposition, read just enough to sum a metric's series that match some labels. */

interface Series {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const SERIES = /^([A-Za-z_:][A-Za-z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /([A-Za-z_][A-Za-z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export class MetricsText {
  readonly #series: Series[] = [];

  constructor(text: string) {
    for (const line of text.split('\n')) {
      if (line === '' || line.startsWith('#')) continue;
      const m = SERIES.exec(line);
      if (m === null) continue;
      const labels: Record<string, string> = {};
      for (const l of (m[2] ?? '').matchAll(LABEL)) labels[l[1]!] = l[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
      this.#series.push({ name: m[1]!, labels, value: Number(m[3]) });
    }
  }

  /** Sum of every series of `name` whose labels include `match`; null when there is none. */
  sum(name: string, match: Readonly<Record<string, string>> = {}): number | null {
    let total: number | null = null;
    for (const s of this.#series) {
      if (s.name !== name) continue;
      if (Object.entries(match).some(([k, v]) => s.labels[k] !== v)) continue;
      total = (total ?? 0) + s.value;
    }
    return total;
  }

  /** Like sum(), but 0 when the metric has no matching series (a counter not yet incremented). */
  count(name: string, match: Readonly<Record<string, string>> = {}): number {
    return this.sum(name, match) ?? 0;
  }
}
