/** Loading the syslog test corpus (JSON lines, format described in the corpus README). */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface CorpusRecord {
  readonly id: string;
  readonly raw: string;
  readonly rawBase64?: string;
  readonly source: string;
  readonly sourceCommit: string;
  readonly sourceLine: number;
  readonly format: string;
  readonly expect: Readonly<Record<string, unknown>>;
  readonly expectBy: string;
  readonly context?: Readonly<Record<string, unknown>>;
  readonly invalid?: boolean;
  readonly expectSameParseAs?: string;
  readonly notes?: string;
  /** Which file of the corpus the record came from (e.g. "rfc3164.jsonl"). */
  readonly file: string;
}

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The copies of the corpus kept with the tests (with attribution in its README.md). */
export const FIXTURE_CORPUS_DIR = join(REPO_ROOT, 'test', 'fixtures', 'syslog');
/** The shared developer corpus next to the repository, when present. */
export const SHARED_CORPUS_DIR = resolve(REPO_ROOT, '..', 'shared', 'corpus');

export function sharedCorpusDir(): string | null {
  return existsSync(SHARED_CORPUS_DIR) ? SHARED_CORPUS_DIR : null;
}

export function loadCorpus(dir: string): CorpusRecord[] {
  const records: CorpusRecord[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort()) {
    const lines = readFileSync(join(dir, file), 'utf8').split('\n');
    for (const line of lines) {
      if (line.trim() === '') continue;
      records.push({ ...(JSON.parse(line) as Omit<CorpusRecord, 'file'>), file });
    }
  }
  return records;
}

/** The bytes as sent: rawBase64 when the raw bytes are not valid UTF-8, else the raw text. */
export function rawInput(record: CorpusRecord): Buffer | string {
  return record.rawBase64 !== undefined ? Buffer.from(record.rawBase64, 'base64') : record.raw;
}
