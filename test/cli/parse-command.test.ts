import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/cli/parse-command.js';
import { TextSink } from '../helpers/text-sink.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  records: Array<Record<string, unknown>>;
}

async function run(args: string[], input: Buffer | string | Buffer[] = '', stdout = new TextSink()): Promise<Run> {
  const pieces = Array.isArray(input) ? input : [typeof input === 'string' ? Buffer.from(input) : input];
  const stdin = Readable.from(pieces);
  const stderr = new TextSink();
  const code = await parseCommand(args, { stdin, stdout, stderr });
  const text = stdout.text();
  const records = text === '' || code !== 0 || args.includes('--help') ? [] : text.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  return { code, stdout: text, stderr: stderr.text(), records };
}

const tmp = mkdtempSync(join(tmpdir(), 'parse-command-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('parse command: input and output', () => {
  it('prints one JSON object per input line, with the parse-record keys', async () => {
    const { code, records, stderr } = await run(['--now', '2024-06-15T12:00:00Z'], '<34>Oct 11 22:14:15 mymachine su: hi\n<165>1 2003-10-11T22:14:15.003Z h app - ID47 [a b="c"] msg\n');
    expect([code, stderr]).toEqual([0, '']);
    expect(records).toEqual([
      { protocol: 'rfc3164', pri: 34, facility: 'auth', severity: 'crit', timestamp: '2023-10-11T22:14:15+00:00', hostname: 'mymachine', appname: 'su', procid: null, msgid: null, structuredData: null, message: 'hi' },
      { protocol: 'rfc5424', pri: 165, facility: 'local4', severity: 'notice', timestamp: '2003-10-11T22:14:15.003+00:00', hostname: 'h', appname: 'app', procid: null, msgid: 'ID47', structuredData: { a: { b: 'c' } }, message: 'msg' },
    ]);
  });

  it('strips one CR, parses a last line without LF and keeps empty lines', async () => {
    const { records } = await run([], '<13>Oct 11 22:14:15 h a: one\r\n\n<13>Oct 11 22:14:15 h a: two\r\r\nlast');
    expect(records.map((r) => r['message'])).toEqual(['one', '', 'two', 'last']);
    expect(records[1]?.['protocol']).toBe('unknown');
  });

  it('reads raw bytes: invalid UTF-8 and lines split anywhere across chunks', async () => {
    const bytes = Buffer.concat([Buffer.from('<13>Oct 11 22:14:15 h a: caf\u00e9 '), Buffer.from([0xff]), Buffer.from(' end\n<13>Oct 11 22:14:15 h a: \u20ac2\n')]);
    const chunks = [...bytes].map((b) => Buffer.from([b]));
    const { records } = await run([], chunks);
    expect(records.map((r) => r['message'])).toEqual(['caf\u00e9 \uFFFD end', '\u20ac2']);
  });

  it('reads a FILE ("-" is standard input)', async () => {
    const file = join(tmp, 'lines.log');
    writeFileSync(file, 'Sep 30 12:11:33 ip-172-31-43-28 sshd[22789]: Invalid user hadoop from 103.100.210.198 port 56762\n');
    const fromFile = await run([file, '--now', '2024-06-15T12:00:00Z']);
    expect(fromFile.records).toEqual([
      expect.objectContaining({ protocol: 'rfc3164', pri: 13, hostname: 'ip-172-31-43-28', appname: 'sshd', procid: '22789', timestamp: '2023-09-30T12:11:33+00:00' }),
    ]);
    expect((await run(['-'], 'x\n')).records).toHaveLength(1);
  });

  it('applies --timezone and --now (also as --opt=value; --now without offset is read in --timezone)', async () => {
    const line = '<13>Dec 31 23:30:00 host app: x\n';
    const berlin = await run(['--timezone', 'Europe/Berlin', '--now', '2025-01-01T00:10:00'], line);
    expect(berlin.records[0]?.['timestamp']).toBe('2024-12-31T23:30:00+01:00');
    const fixed = await run(['--timezone=+05:30', '--now=2024-06-15'], '<13>Jun 14 10:00:00 host app: x\n');
    expect(fixed.records[0]?.['timestamp']).toBe('2024-06-14T10:00:00+05:30');
  });

  it('waits for a slow reader (backpressure) and loses nothing', async () => {
    const n = 5000;
    const input = Array.from({ length: n }, (_, i) => `<13>Oct 11 22:14:15 host app: message number ${i} ${'x'.repeat(40)}\n`).join('');
    const { code, records } = await run([], input, new TextSink(1, 1024));
    expect(code).toBe(0);
    expect(records).toHaveLength(n);
    expect(records[n - 1]?.['message']).toMatch(/^message number 4999 /);
  });

  it('stops quietly when the reader goes away (EPIPE)', async () => {
    const stdout = new PassThrough();
    const stdin = new PassThrough();
    const done = parseCommand([], { stdin, stdout, stderr: new TextSink() });
    stdin.write('<13>Oct 11 22:14:15 host app: x\n');
    const err = Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
    setImmediate(() => {
      stdout.emit('error', err);
      stdin.end('<13>Oct 11 22:14:15 host app: y\n');
    });
    expect(await done).toBe(0);
  });
});

describe('parse command: errors', () => {
  it('exits 2 with a clear message for bad options', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--timezone', 'Mars/Olympus'], /unknown timezone "Mars\/Olympus"/],
      [['--now', 'yesterday'], /--now "yesterday" is not an ISO 8601 date-time/],
      [['--now', '2024-13-01T00:00:00Z'], /--now .* is not an ISO 8601/],
      [['--timezone'], /--timezone needs a value/],
      [['--frobnicate'], /unknown option --frobnicate/],
      [['-x'], /unknown option -x/],
      [['a.log', 'b.log'], /more than one FILE/],
    ];
    for (const [args, message] of cases) {
      const r = await run(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe('');
    }
  });

  it('exits 1 when the file cannot be read', async () => {
    const r = await run([join(tmp, 'missing.log')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot read .*missing\.log.*ENOENT/);
  });

  it('prints usage for --help', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^usage: syslog-sentinel parse \[FILE\] \[--timezone TZ\] \[--now ISO8601\]/);
  });
});
