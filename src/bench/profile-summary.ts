/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`, or `npm run bench -- --profile-dir DIR`): the functions
 * with the most self time, and the busy share of the profile.
 *   node dist/src/bench/profile-summary.js FILE.cpuprofile [TOP]
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface SelfTimeRow {
  readonly name: string;
  readonly location: string;
  readonly selfMicros: number;
}

function location(url: string, line: number): string {
  if (url === '') return '';
  const file = url.startsWith('file://') ? path.relative(process.cwd(), new URL(url).pathname) : url;
  return `${file}:${line + 1}`;
}

export function selfTimes(profile: CpuProfile): { rows: SelfTimeRow[]; totalMicros: number; idleMicros: number } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, SelfTimeRow & { selfMicros: number }>();
  let total = 0;
  let idle = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    // timeDeltas[i] is the time since the previous sample: it belongs to the sample before (i - 1).
    const dt = profile.timeDeltas[i + 1] ?? 0;
    const node = byId.get(profile.samples[i]!);
    if (!node) continue;
    total += dt;
    const name = node.callFrame.functionName || '(anonymous)';
    if (name === '(idle)') idle += dt;
    const loc = location(node.callFrame.url, node.callFrame.lineNumber);
    const key = `${name}@${loc}`;
    const row = self.get(key) ?? { name, location: loc, selfMicros: 0 };
    row.selfMicros += dt;
    self.set(key, row);
  }
  return { rows: [...self.values()].sort((a, b) => b.selfMicros - a.selfMicros), totalMicros: total, idleMicros: idle };
}

function main(argv: readonly string[]): number {
  const [file, topText] = argv;
  if (file === undefined) {
    process.stderr.write('usage: node dist/src/bench/profile-summary.js FILE.cpuprofile [TOP]\n');
    return 2;
  }
  const top = Number(topText ?? 25);
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const { rows, totalMicros, idleMicros } = selfTimes(profile);
  const busy = totalMicros - idleMicros;
  const out: string[] = [];
  out.push(`profile ${file}: ${(totalMicros / 1e6).toFixed(2)} s sampled, ${(busy / 1e6).toFixed(2)} s busy (${((busy / totalMicros) * 100).toFixed(0)}%)`);
  out.push('');
  out.push('| self ms | % of busy | function | location |');
  out.push('| ---: | ---: | --- | --- |');
  for (const r of rows.filter((x) => x.name !== '(idle)').slice(0, top)) {
    out.push(`| ${(r.selfMicros / 1000).toFixed(0)} | ${((r.selfMicros / busy) * 100).toFixed(1)}% | ${r.name} | ${r.location} |`);
  }
  // The same self time, grouped by source file (node: internals and V8 pseudo-frames as they are).
  const byFile = new Map<string, number>();
  for (const r of rows) {
    if (r.name === '(idle)') continue;
    const file = r.location === '' ? r.name : r.location.replace(/:\d+$/, '');
    byFile.set(file, (byFile.get(file) ?? 0) + r.selfMicros);
  }
  out.push('');
  out.push('| self ms | % of busy | file |');
  out.push('| ---: | ---: | --- |');
  for (const [file, micros] of [...byFile.entries()].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    out.push(`| ${(micros / 1000).toFixed(0)} | ${((micros / busy) * 100).toFixed(1)}% | ${file} |`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
