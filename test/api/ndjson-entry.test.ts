/** The NDJSON entry schema and the RFC 5424 line it becomes, checked against the project's own parser. */
import { describe, expect, it } from 'vitest';
import { parseNdjsonEntry } from '../../src/api/ndjson-entry.js';
import { parseSyslog } from '../../src/parse/syslog.js';

const BASE = { timestamp: '2024-03-01T12:00:00Z', host: 'web01', appname: 'sshd', message: 'Invalid user admin from 203.0.113.9 port 4000' };

function line(value: unknown): string {
  const r = parseNdjsonEntry(value);
  if (!r.ok) throw new Error(`refused: ${r.reason}`);
  return r.line.toString('utf8');
}

function reason(value: unknown): string {
  const r = parseNdjsonEntry(value);
  if (r.ok) throw new Error(`accepted: ${r.line.toString()}`);
  return r.reason;
}

describe('NDJSON entries', () => {
  it('become an RFC 5424 line (user.notice by default) that parses back to the same fields', () => {
    const text = line(BASE);
    expect(text).toBe('<13>1 2024-03-01T12:00:00.000Z web01 sshd - - - Invalid user admin from 203.0.113.9 port 4000');
    const parsed = parseSyslog(text, { timezone: 'UTC', now: Date.UTC(2024, 2, 1) });
    expect(parsed).toMatchObject({
      protocol: 'rfc5424',
      facility: 'user',
      severity: 'notice',
      hostname: 'web01',
      appname: 'sshd',
      timestampMs: Date.UTC(2024, 2, 1, 12),
      message: BASE.message,
    });
  });

  it('takes epoch milliseconds, offsets, fractions, and severity/facility as names or numbers', () => {
    expect(line({ ...BASE, timestamp: 1_709_294_400_123, severity: 'err', facility: 'auth' })).toMatch(/^<35>1 2024-03-01T12:00:00\.123Z /);
    expect(line({ ...BASE, timestamp: '2024-03-01T13:00:00.5+01:00', severity: 3, facility: 4 })).toMatch(/^<35>1 2024-03-01T12:00:00\.500Z /);
    expect(line({ ...BASE, timestamp: '2024-03-01t06:30:00.123456789-05:30', severity: 'debug', facility: 'local7' })).toMatch(/^<191>1 2024-03-01T12:00:00\.123Z /);
    expect(line({ ...BASE, severity: 0, facility: 0 })).toMatch(/^<0>1 /);
    expect(line({ ...BASE, timestamp: '2024-02-29T00:00:00Z' })).toMatch(/ 2024-02-29T00:00:00\.000Z /);
  });

  it('keeps the message as given: UTF-8, brackets, an empty message', () => {
    const parsed = parseSyslog(line({ ...BASE, message: 'Grüße [x] {"a":1} – ok' }), { timezone: 'UTC', now: 0 });
    expect(parsed.message).toBe('Grüße [x] {"a":1} – ok');
    expect(line({ ...BASE, message: '' })).toBe('<13>1 2024-03-01T12:00:00.000Z web01 sshd - - - ');
  });

  it('names every missing field', () => {
    expect(reason({})).toBe('timestamp: is required; host: is required; appname: is required; message: is required');
    expect(reason({ ...BASE, message: undefined })).toBe('message: is required');
  });

  it('refuses timestamps that are not RFC 3339 with an offset, or not a real instant', () => {
    for (const timestamp of ['2024-03-01T12:00:00', '2024-03-01 12:00:00Z', 'Mar  1 12:00:00', '2024-02-30T00:00:00Z', '2023-02-29T00:00:00Z', '2024-03-01T24:00:00Z', '2024-03-01T12:60:00Z', '2024-03-01T12:00:00+24:00', '1969-12-31T23:59:59Z', '']) {
      expect(reason({ ...BASE, timestamp }), timestamp).toMatch(/^timestamp: is not an RFC 3339 date-time with an offset/);
    }
    for (const timestamp of [-1, 1.5, Number.MAX_SAFE_INTEGER]) {
      expect(reason({ ...BASE, timestamp }), String(timestamp)).toBe('timestamp: epoch milliseconds must be a whole number from 0 to 253402300799999');
    }
    expect(reason({ ...BASE, timestamp: true })).toMatch(/^timestamp: must be an RFC 3339 string/);
  });

  it('refuses host and appname values an RFC 5424 header cannot carry', () => {
    expect(reason({ ...BASE, host: 'web 01' })).toBe('host: must be 1-255 printable ASCII characters without spaces');
    expect(reason({ ...BASE, host: '' })).toBe('host: must be 1-255 printable ASCII characters without spaces');
    expect(reason({ ...BASE, host: 'wëb' })).toBe('host: must be 1-255 printable ASCII characters without spaces');
    expect(reason({ ...BASE, host: '-' })).toBe('host: must not be "-" (the RFC 5424 nil value)');
    expect(reason({ ...BASE, appname: 'a'.repeat(49) })).toBe('appname: must be 1-48 printable ASCII characters without spaces');
    expect(line({ ...BASE, appname: 'a'.repeat(48), host: 'h'.repeat(255) })).toContain(` ${'h'.repeat(255)} ${'a'.repeat(48)} `);
    expect(reason({ ...BASE, host: 42 })).toBe('host: must be a string');
  });

  it('refuses unknown severities, facilities and keys, and values that are not objects', () => {
    expect(reason({ ...BASE, severity: 'error' })).toMatch(/^severity: must be a severity name \(emerg, alert, crit, err, warning, notice, info, debug\) or a number from 0 to 7$/);
    expect(reason({ ...BASE, severity: 8 })).toMatch(/^severity: /);
    expect(reason({ ...BASE, facility: 24 })).toMatch(/^facility: must be a facility name .* or a number from 0 to 23$/);
    expect(reason({ ...BASE, hostname: 'x' })).toBe('Unrecognized key: "hostname"');
    for (const value of [42, 'text', null, [BASE]]) expect(reason(value)).toMatch(/^Invalid input: expected object/);
  });
});
