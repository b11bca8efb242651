/** A minimal reader of the Prometheus text exposition format: enough for the appliance's /metrics. */
import type { HistogramSnapshot } from './stats.js';

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const LABEL = /([A-Za-z_][A-Za-z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export function parsePromText(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const brace = line.indexOf('{');
    const space = line.lastIndexOf(' ');
    if (space < 0) continue;
    let name: string;
    const labels: Record<string, string> = {};
    if (brace >= 0 && brace < space) {
      name = line.slice(0, brace);
      const close = line.lastIndexOf('}');
      for (const m of line.slice(brace + 1, close).matchAll(LABEL)) labels[m[1]!] = m[2]!.replace(/\\(.)/g, (_s, c: string) => (c === 'n' ? '\n' : c));
    } else {
      name = line.slice(0, line.indexOf(' '));
    }
    const valueText = line.slice(space + 1);
    const value = valueText === '+Inf' ? Number.POSITIVE_INFINITY : valueText === '-Inf' ? Number.NEGATIVE_INFINITY : Number(valueText);
    samples.push({ name, labels, value });
  }
  return samples;
}

/** Sum of the samples called `name` whose labels include every pair in `match`. */
export function sumOf(samples: readonly Sample[], name: string, match: Readonly<Record<string, string>> = {}): number {
  let total = 0;
  for (const s of samples) {
    if (s.name !== name) continue;
    if (Object.entries(match).every(([k, v]) => s.labels[k] === v)) total += s.value;
  }
  return total;
}

export function histogramOf(samples: readonly Sample[], name: string): HistogramSnapshot | null {
  const buckets: { le: number; count: number }[] = [];
  let count = Number.NaN;
  let sum = Number.NaN;
  for (const s of samples) {
    if (s.name === `${name}_bucket`) {
      const le = s.labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(s.labels.le);
      buckets.push({ le, count: s.value });
    } else if (s.name === `${name}_count`) count = s.value;
    else if (s.name === `${name}_sum`) sum = s.value;
  }
  if (buckets.length === 0) return null;
  buckets.sort((a, b) => a.le - b.le);
  return { bounds: buckets.map((b) => b.le), cumulative: buckets.map((b) => b.count), count: Number.isNaN(count) ? buckets[buckets.length - 1]!.count : count, sum };
}
