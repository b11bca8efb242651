/**
 * `syslog-sentinel replay --config FILE [LOGFILE] [--lines] [--now ISO8601] [--sender ADDRESS]`: runs the rules
 * of FILE offline over a log file (stdin without LOGFILE), the way fail2ban-regex is used to try filters. Prints
 * the incident events the live daemon would produce (the console notifier's JSON lines) on stdout and a summary
 * on stderr; with --lines, prints per input line which rules matched and the fields they extracted instead.
 */
import { createReadStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { loadConfigFile } from '../config/load.js';
import { ConfigError } from '../errors.js';
import { ConsoleNotifier } from '../notify/console-notifier.js';
import { FEED_BATCH, ReplayEngine, type ReplaySummary } from '../replay/replay-engine.js';
import { drained, type CliIo } from './io.js';
import { readLines } from './line-reader.js';
import { parseNowOption } from './now-option.js';

const USAGE = `usage: syslog-sentinel replay --config FILE [LOGFILE] [--lines] [--now ISO8601] [--sender ADDRESS]

Runs the rules in FILE over LOGFILE (default: standard input), each line at its own timestamp.
  --lines            print, per line, the rules that matched and the fields they extracted
  --now ISO8601      time of lines before the first timestamped one, and reference for year-less stamps
  --sender ADDRESS   sender address to key lines without a hostname by (default: unknown)
`;

export async function replayCommand(argv: readonly string[], io: CliIo): Promise<number> {
  let values: { config?: string; lines?: boolean; now?: string; sender?: string; help?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: { config: { type: 'string', short: 'c' }, lines: { type: 'boolean' }, now: { type: 'string' }, sender: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (err) {
    io.stderr.write(`syslog-sentinel replay: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  if (values.config === undefined || positionals.length > 1) {
    io.stderr.write(`syslog-sentinel replay: ${values.config === undefined ? '--config FILE is required' : 'more than one LOGFILE given'}\n${USAGE}`);
    return 2;
  }
  let config;
  try {
    config = loadConfigFile(values.config);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    io.stderr.write(`syslog-sentinel replay: ${err.message}\n`);
    return 1;
  }
  let now = Date.now();
  if (values.now !== undefined) {
    const ms = parseNowOption(values.now, config.timezone);
    if (ms === null) {
      io.stderr.write(`syslog-sentinel replay: --now "${values.now}" is not an ISO 8601 date-time (e.g. 2024-03-01T12:00:00Z)\n`);
      return 2;
    }
    now = ms;
  }

  const file = positionals[0] === undefined || positionals[0] === '-' ? null : positionals[0];
  const linesMode = values.lines === true;
  const engine = new ReplayEngine({
    config,
    notifiers: linesMode ? [] : [new ConsoleNotifier({ stream: io.stdout as NodeJS.WriteStream })],
    log: pino({ level: 'warn' }, pino.destination({ fd: 2, sync: true })),
    now,
    sender: values.sender ?? 'unknown',
  });
  const input = file === null ? io.stdin : createReadStream(file);
  try {
    for await (const line of readLines(input as AsyncIterable<Buffer>)) {
      const outcome = engine.feed(line);
      if (outcome.line % FEED_BATCH === 0) await engine.settle();
      if (linesMode) {
        const matches = outcome.matches.map((s) => ({ rule: s.rule, key: s.key, fields: s.fields, count: s.count, firing: s.firing }));
        const ok = io.stdout.write(`${JSON.stringify({ line: outcome.line, at: new Date(outcome.at).toISOString(), protocol: outcome.syslog.protocol, host: outcome.syslog.hostname, appname: outcome.syslog.appname, matches })}\n`);
        if (!ok) await drained(io.stdout);
      }
    }
  } catch (err) {
    io.stderr.write(`syslog-sentinel replay: cannot read ${file ?? 'standard input'}: ${(err as Error).message}\n`);
    return 1;
  }
  io.stderr.write(formatSummary(await engine.finish()));
  return 0;
}

function formatSummary(s: ReplaySummary): string {
  const span = s.firstAt === null || s.lastAt === null ? '' : ` from ${new Date(s.firstAt).toISOString()} to ${new Date(s.lastAt).toISOString()}`;
  const rules = Object.entries(s.matchesPerRule).map(([rule, n]) => `  ${rule}: ${n} matching lines`);
  const out = [
    `replay: ${s.lines} lines${span}`,
    `parsed: rfc5424 ${s.parsed.rfc5424}, rfc3164 ${s.parsed.rfc3164}, unknown ${s.parsed.unknown}`,
    'matches per rule:',
    ...(rules.length > 0 ? rules : ['  (no rules configured)']),
    `incidents: ${s.incidents}`,
  ];
  if (s.unmatchedSample.length > 0) out.push('a sample of lines no rule matched:', ...s.unmatchedSample.map((l) => `  ${l}`));
  return `${out.join('\n')}\n`;
}
