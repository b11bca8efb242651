/** Scoring parsers on the corpus: tallies per file, misses, and stated values that disagree between sources. */
import { parseSyslog } from '../../src/parse/syslog.js';
import type { ParseOptions } from '../../src/parse/types.js';
import { rawInput, type CorpusRecord } from './corpus-records.js';
import {
  SCORED_FIELDS, dependsOnOption, normalisedExpectation, parseOptionsFor, scoreRecord, type FieldResult, type ParserOutput, type ScoredField,
} from './field-compare.js';
import { nsyslogOutput, syslogParseOutput } from './other-parsers.js';

export interface Tally {
  right: number;
  stated: number;
}

export interface Miss extends FieldResult {
  readonly record: CorpusRecord;
}

export interface ParserScore {
  readonly name: string;
  readonly byFile: ReadonlyMap<string, Tally>;
  readonly total: Tally;
  /** Only records whose expectation holds under their source's default options. */
  readonly defaults: Tally;
  readonly misses: readonly Miss[];
  readonly notComparable: number;
}

export type Runner = (record: CorpusRecord, opts: ParseOptions) => ParserOutput | null;

export const PARSERS: ReadonlyArray<{ readonly name: string; readonly run: Runner }> = [
  { name: 'ours', run: (record, opts) => parseSyslog(rawInput(record), opts) },
  { name: 'syslog-parse', run: (record, opts) => withTz(opts.timezone, () => syslogParseOutput(record.raw)) },
  { name: 'nsyslog-parser', run: (record, opts) => withTz(opts.timezone, () => nsyslogOutput(record.raw)) },
];

/** Runs `fn` with the process's local zone set to `zone` (the other parsers read BSD times in local time). */
function withTz<T>(zone: string, fn: () => T): T {
  const saved = process.env['TZ'];
  process.env['TZ'] = zone;
  try {
    return fn();
  } finally {
    if (saved === undefined) delete process.env['TZ'];
    else process.env['TZ'] = saved;
  }
}

function add(t: Tally, right: number, stated: number): void {
  t.right += right;
  t.stated += stated;
}

export function scoreParser(name: string, run: Runner, records: readonly CorpusRecord[]): ParserScore {
  const byFile = new Map<string, Tally>();
  const total: Tally = { right: 0, stated: 0 };
  const defaults: Tally = { right: 0, stated: 0 };
  const misses: Miss[] = [];
  let notComparable = 0;
  for (const record of records) {
    const opts = parseOptionsFor(record);
    let output: ParserOutput | null;
    try {
      output = run(record, opts);
    } catch {
      output = null;
    }
    const score = scoreRecord(record, output ?? {}, opts);
    notComparable += score.notComparable.length;
    const right = score.results.filter((r) => r.ok).length;
    const file = byFile.get(record.file) ?? { right: 0, stated: 0 };
    byFile.set(record.file, file);
    add(file, right, score.results.length);
    add(total, right, score.results.length);
    if (!dependsOnOption(record)) add(defaults, right, score.results.length);
    for (const r of score.results) if (!r.ok) misses.push({ ...r, record });
  }
  return { name, byFile, total, defaults, misses, notComparable };
}

export function scoreOurs(records: readonly CorpusRecord[]): ParserScore {
  const ours = PARSERS[0];
  if (ours === undefined) throw new Error('no parser');
  return scoreParser(ours.name, ours.run, records);
}

export interface Conflict {
  readonly raw: string;
  readonly field: ScoredField;
  readonly statements: ReadonlyArray<{ readonly by: string; readonly value: unknown; readonly option: boolean }>;
}

/** Fields stated differently for the same raw line by different records (we can satisfy at most one). */
export function conflicts(records: readonly CorpusRecord[]): Conflict[] {
  const byRaw = new Map<string, CorpusRecord[]>();
  for (const r of records) {
    const key = r.rawBase64 ?? r.raw;
    const list = byRaw.get(key) ?? [];
    list.push(r);
    byRaw.set(key, list);
  }
  const out: Conflict[] = [];
  for (const [raw, list] of byRaw) {
    if (list.length < 2) continue;
    for (const field of SCORED_FIELDS) {
      const stating = list.filter((r) => field in r.expect && normalisedExpectation(field, r) !== undefined);
      const values = new Set(stating.map((r) => JSON.stringify(normalisedExpectation(field, r))));
      if (values.size > 1) {
        out.push({
          raw,
          field,
          statements: stating.map((r) => ({ by: r.expectBy, value: r.expect[field], option: dependsOnOption(r) })),
        });
      }
    }
  }
  return out;
}

export function percent(t: Tally): string {
  return t.stated === 0 ? '-' : `${((100 * t.right) / t.stated).toFixed(1)}%`;
}
