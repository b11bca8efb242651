/**
 * `npm run score [-- --verbose] [-- DIR]`: field-level score of our parser, syslog-parse and nsyslog-parser on the
 * syslog corpus (default: ../shared/corpus when present, else the copies in test/fixtures/syslog). Prints, per file
 * and in total, fields right / fields stated; then the fields that sources state differently for the same line;
 * with --verbose, every field our parser misses.
 */
import { loadCorpus, sharedCorpusDir, FIXTURE_CORPUS_DIR } from './corpus-records.js';
import { PARSERS, conflicts, percent, scoreParser, type ParserScore } from './corpus-score.js';
import { dependsOnOption } from './field-compare.js';

const args = process.argv.slice(2);
const verbose = args.includes('--verbose') || args.includes('-v');
const dir = args.find((a) => !a.startsWith('-')) ?? sharedCorpusDir() ?? FIXTURE_CORPUS_DIR;
const records = loadCorpus(dir);
const scores: ParserScore[] = PARSERS.map((p) => scoreParser(p.name, p.run, records));

const files = [...new Set(records.map((r) => r.file))];
const col = (s: string, w: number) => s.padEnd(w);
const cell = (t: { right: number; stated: number } | undefined) => (t ? `${t.right}/${t.stated} ${percent(t).padStart(6)}` : '-');

const out: string[] = [];
out.push(`corpus: ${dir} (${records.length} records)`);
out.push('');
out.push(col('file', 28) + scores.map((s) => col(s.name, 22)).join(''));
for (const f of files) out.push(col(f, 28) + scores.map((s) => col(cell(s.byFile.get(f)), 22)).join(''));
out.push(col('total', 28) + scores.map((s) => col(cell(s.total), 22)).join(''));
out.push(col('  default-option records', 28) + scores.map((s) => col(cell(s.defaults), 22)).join(''));
const optionRecords = records.filter(dependsOnOption).length;
const nc = scores[0]?.notComparable ?? 0;
out.push('');
out.push(`${optionRecords} records state values that hold only under a non-default option of their source (counted in the total).`);
if (nc > 0) out.push(`${nc} stated values name no grammar we report (e.g. protocol "CEF") and are not scored.`);

const cs = conflicts(records);
out.push('');
out.push(`Sources disagree on ${cs.length} field(s) of the same raw line (both statements are scored; at most one can be met):`);
for (const c of cs) {
  out.push(`  ${JSON.stringify(c.raw.length > 90 ? `${c.raw.slice(0, 90)}…` : c.raw)} ${c.field}:`);
  for (const st of c.statements) out.push(`      ${JSON.stringify(st.value)}  (${st.by}${st.option ? ', non-default option' : ''})`);
}

const short = (v: unknown, n = 100): string => {
  const text = JSON.stringify(v) ?? 'undefined';
  return text.length > n ? `${text.slice(0, n)}…` : text;
};

const ours = scores[0];
if (ours !== undefined) {
  out.push('');
  out.push(`Our misses: ${ours.misses.length}${verbose ? '' : ' (--verbose lists them)'}, by stating source and field:`);
  const groups = new Map<string, number>();
  for (const m of ours.misses) {
    const key = `${m.record.expectBy.replace(/ \(.*$/, '')}${dependsOnOption(m.record) ? ' [non-default option]' : ''}: ${m.field}`;
    groups.set(key, (groups.get(key) ?? 0) + 1);
  }
  for (const [key, n] of [...groups].sort((a, b) => b[1] - a[1])) out.push(`  ${String(n).padStart(3)}  ${key}`);
  if (verbose) {
    out.push('');
    for (const m of ours.misses) {
      out.push(`  [${m.record.file} ${m.record.id}${dependsOnOption(m.record) ? ' option' : ''}] ${m.field}: expected ${short(m.expected)} got ${short(m.actual)}`);
      out.push(`      ${short(m.record.raw, 120)}  (${m.record.expectBy})`);
    }
  }
}
process.stdout.write(`${out.join('\n')}\n`);
