/**
 * `syslog-sentinel parse [FILE] [--timezone TZ] [--now ISO8601]`: parses syslog lines from FILE (or stdin, or "-")
 * and writes one JSON object per input line (see parse/parse-record.ts). Input is streamed as raw bytes and split
 * on LF, one trailing CR stripped, so each line reaches the parser exactly as a network frame would (invalid UTF-8
 * included). Exit codes: 0 done, 1 the input could not be read (or output failed), 2 bad arguments.
 */
import { createReadStream } from 'node:fs';
import { toParseRecord } from '../parse/parse-record.js';
import { parseSyslog } from '../parse/syslog.js';
import { isValidTimezone } from '../parse/timezone.js';
import type { ParseOptions } from '../parse/types.js';
import { drained, type CliIo } from './io.js';
import { readLines } from './line-reader.js';
import { parseNowOption } from './now-option.js';

const USAGE = `usage: syslog-sentinel parse [FILE] [--timezone TZ] [--now ISO8601]

Parses syslog lines from FILE (default: standard input) and prints one JSON object per line.
  --timezone TZ    zone for timestamps without offset: UTC (default), an IANA name or +hh:mm
  --now ISO8601    reference time for the year of year-less timestamps (default: now);
                   without an offset it is read in --timezone
`;

const OUTPUT_CHUNK = 64 * 1024;

interface Arguments {
  readonly file: string | null;
  readonly timezone: string;
  readonly nowText: string | null;
}

type ArgsResult = { readonly ok: true; readonly args: Arguments } | { readonly ok: false; readonly error: string | null };

function parseArguments(argv: readonly string[]): ArgsResult {
  let file: string | null = null;
  let timezone = 'UTC';
  let nowText: string | null = null;
  let options = true;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (options && (arg === '--help' || arg === '-h')) return { ok: false, error: null };
    if (options && arg === '--') {
      options = false;
      continue;
    }
    if (options && arg.startsWith('--') && arg.length > 2) {
      const eq = arg.indexOf('=');
      const name = eq < 0 ? arg : arg.slice(0, eq);
      if (name !== '--timezone' && name !== '--now') return { ok: false, error: `unknown option ${name}` };
      let value: string | undefined;
      if (eq >= 0) value = arg.slice(eq + 1);
      else value = argv[++i];
      if (value === undefined || value === '') return { ok: false, error: `${name} needs a value` };
      if (name === '--timezone') timezone = value;
      else nowText = value;
      continue;
    }
    if (options && arg.startsWith('-') && arg !== '-') return { ok: false, error: `unknown option ${arg}` };
    if (file !== null) return { ok: false, error: `more than one FILE given ("${file}", "${arg}")` };
    file = arg;
  }
  return { ok: true, args: { file: file === '-' ? null : file, timezone, nowText } };
}

export async function parseCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseArguments(argv);
  if (!parsed.ok) {
    if (parsed.error === null) {
      io.stdout.write(USAGE);
      return 0;
    }
    io.stderr.write(`syslog-sentinel parse: ${parsed.error}\n${USAGE}`);
    return 2;
  }
  const { file, timezone, nowText } = parsed.args;
  if (!isValidTimezone(timezone)) {
    io.stderr.write(`syslog-sentinel parse: unknown timezone "${timezone}" (use UTC, an IANA name such as Europe/Berlin, or +hh:mm)\n`);
    return 2;
  }
  let now = Date.now();
  if (nowText !== null) {
    const ms = parseNowOption(nowText, timezone);
    if (ms === null) {
      io.stderr.write(`syslog-sentinel parse: --now "${nowText}" is not an ISO 8601 date-time (e.g. 2024-03-01T12:00:00Z)\n`);
      return 2;
    }
    now = ms;
  }
  const opts: ParseOptions = { timezone, now };

  let outputError: Error | null = null;
  const onOutputError = (err: Error): void => {
    outputError ??= err;
  };
  io.stdout.on('error', onOutputError);
  let out = '';
  const flush = async (): Promise<void> => {
    if (out.length === 0) return;
    const ok = io.stdout.write(out);
    out = '';
    if (!ok) await drained(io.stdout);
  };
  const input = file === null ? io.stdin : createReadStream(file);
  try {
    for await (const line of readLines(input as AsyncIterable<Buffer>)) {
      out += `${JSON.stringify(toParseRecord(parseSyslog(line, opts)))}\n`;
      if (out.length >= OUTPUT_CHUNK) await flush();
      if (outputError !== null) break;
    }
    await flush();
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    io.stderr.write(`syslog-sentinel parse: cannot read ${file ?? 'standard input'}: ${reason}\n`);
    return 1;
  } finally {
    io.stdout.removeListener('error', onOutputError);
    if (file !== null && 'destroy' in input && typeof input.destroy === 'function') input.destroy();
  }
  if (outputError !== null) {
    // a closed pipe (`... | head`) is the reader's choice, not a failure
    return (outputError as NodeJS.ErrnoException).code === 'EPIPE' ? 0 : 1;
  }
  return 0;
}
