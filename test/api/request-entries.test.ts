/** A request body → entries: line splitting, limits, and which faults refuse the whole body. */
import { describe, expect, it } from 'vitest';
import { parseEntries, type EntriesResult } from '../../src/api/request-entries.js';

const LIMITS = { maxLines: 5, maxLineBytes: 100 };
const ENTRY = (host: string) => JSON.stringify({ timestamp: '2024-03-01T12:00:00Z', host, appname: 'app', message: 'hello' });

function ok(r: EntriesResult) {
  if (!r.ok) throw new Error(`refused: ${r.status} ${r.message}`);
  return { lines: r.entries.map((e) => [e.line, e.bytes.toString('latin1')]), rejected: r.rejected };
}

describe('parseEntries, text', () => {
  it('splits on LF, drops one trailing CR, skips blank lines but keeps the line numbers', () => {
    const body = Buffer.from('<13>first\r\n\n   \r\nsecond line\n \t\nthird without LF');
    expect(ok(parseEntries(body, 'text', LIMITS))).toEqual({ lines: [[1, '<13>first'], [4, 'second line'], [6, 'third without LF']], rejected: [] });
    expect(ok(parseEntries(Buffer.from(''), 'text', LIMITS))).toEqual({ lines: [], rejected: [] });
    expect(ok(parseEntries(Buffer.from('\n\n'), 'text', LIMITS))).toEqual({ lines: [], rejected: [] });
  });

  it('passes bytes through untouched (invalid UTF-8, NUL) as a listener does', () => {
    const body = Buffer.from([0x3c, 0x31, 0x3e, 0xff, 0x00, 0x41, 0x0a]);
    const r = parseEntries(body, 'text', LIMITS);
    expect(r.ok && r.entries[0]!.bytes.equals(body.subarray(0, 6))).toBe(true);
  });

  it('rejects a line over maxLineBytes on its own; the others go on', () => {
    const body = Buffer.from(`short\n${'x'.repeat(101)}\n${'y'.repeat(100)}\n`);
    expect(ok(parseEntries(body, 'text', LIMITS))).toEqual({
      lines: [[1, 'short'], [3, 'y'.repeat(100)]],
      rejected: [{ line: 2, reason: 'line longer than 100 bytes (http.api.maxLineBytes)' }],
    });
  });

  it('refuses the whole body past maxLines (blank lines not counted)', () => {
    expect(ok(parseEntries(Buffer.from('a\n\nb\nc\n\nd\ne\n'), 'text', LIMITS)).lines).toHaveLength(5);
    expect(parseEntries(Buffer.from('a\nb\nc\nd\ne\nf'), 'text', LIMITS)).toEqual({
      ok: false,
      status: 413,
      message: 'too many lines: more than 5 (http.api.maxLines); nothing was used',
    });
  });
});

describe('parseEntries, NDJSON', () => {
  it('turns each object into its syslog line; schema faults reject that entry only', () => {
    const body = Buffer.from(`${ENTRY('a')}\n{"host":"b"}\n\n${ENTRY('c')}\r\n42\n`);
    const r = ok(parseEntries(body, 'ndjson', { maxLines: 10, maxLineBytes: 1000 }));
    expect(r.lines).toEqual([[1, '<13>1 2024-03-01T12:00:00.000Z a app - - - hello'], [4, '<13>1 2024-03-01T12:00:00.000Z c app - - - hello']]);
    expect(r.rejected).toEqual([
      { line: 2, reason: 'timestamp: is required; appname: is required; message: is required' },
      { line: 5, reason: 'Invalid input: expected object, received number' },
    ]);
  });

  it('bad JSON on any line refuses the whole body, naming the line', () => {
    const body = Buffer.from(`${ENTRY('a')}\n${ENTRY('b')}\n{"host": "c",\n${ENTRY('d')}\n`);
    const r = parseEntries(body, 'ndjson', { maxLines: 10, maxLineBytes: 1000 });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.status).toBe(400);
    expect(!r.ok && r.message).toMatch(/^line 3: not valid JSON \(.+\); nothing was used$/);
  });

  it('invalid UTF-8 refuses the whole body', () => {
    const body = Buffer.concat([Buffer.from(`${ENTRY('a')}\n{"host":"`), Buffer.from([0xc3, 0x28]), Buffer.from('"}\n')]);
    expect(parseEntries(body, 'ndjson', { maxLines: 10, maxLineBytes: 1000 })).toEqual({ ok: false, status: 400, message: 'line 2: not valid UTF-8; nothing was used' });
  });

  it('an over-long line is rejected unread (even if it is not JSON)', () => {
    const body = Buffer.from(`{${'x'.repeat(200)}\n${ENTRY('a')}\n`);
    const r = ok(parseEntries(body, 'ndjson', { maxLines: 10, maxLineBytes: 150 }));
    expect(r.rejected).toEqual([{ line: 1, reason: 'line longer than 150 bytes (http.api.maxLineBytes)' }]);
    expect(r.lines).toHaveLength(1);
  });
});
