import { describe, expect, it } from 'vitest';
import { GroupKeyer, fieldValue } from '../../src/detect/group-key.js';
import { NO_CAPTURES } from '../../src/detect/match.js';
import { received, T0 } from './received.js';

describe('fieldValue', () => {
  const named = received('<13>May  1 12:00:00 web01 app[1]: hi', T0, { remoteAddress: '198.51.100.7' });
  const nameless = received('<13>just text', T0, { remoteAddress: '2001:db8::7' });

  it('host is the hostname, or the sender address when the message has none; sourceIp is always the sender', () => {
    expect(fieldValue('host', named, NO_CAPTURES)).toBe('web01');
    expect(fieldValue('host', nameless, NO_CAPTURES)).toBe('2001:db8::7');
    expect(fieldValue('sourceIp', named, NO_CAPTURES)).toBe('198.51.100.7');
  });

  it('appname is "" when absent; other names are captures (undefined when missing)', () => {
    expect(fieldValue('appname', named, NO_CAPTURES)).toBe('app');
    expect(fieldValue('appname', nameless, NO_CAPTURES)).toBe('');
    expect(fieldValue('user', named, { user: 'root' })).toBe('root');
    expect(fieldValue('user', named, NO_CAPTURES)).toBeUndefined();
  });
});

describe('GroupKeyer', () => {
  const m = received('<13>May  1 12:00:00 web01 sshd[1]: hi', T0, { remoteAddress: '198.51.100.7' });

  it('fingerprint is rule{field="value",...}, key is the field → value map', () => {
    const k = new GroupKeyer('ssh_invalid_user', ['host', 'user']);
    const values = k.values(m, { user: 'root' });
    expect(k.fingerprint(values)).toBe('ssh_invalid_user{host="web01",user="root"}');
    expect(k.key(values)).toEqual({ host: 'web01', user: 'root' });
    expect(new GroupKeyer('all', []).fingerprint([])).toBe('all{}');
  });

  it('is collision-free for values with quotes, commas and braces; a missing capture is ""', () => {
    const k = new GroupKeyer('r', ['a', 'b']);
    const fps = [
      k.fingerprint(['x","b="y', '']),
      k.fingerprint(['x', 'b="y']),
      k.fingerprint(['x,b=', 'y']),
      k.fingerprint(['x}', '']),
    ];
    expect(new Set(fps).size).toBe(fps.length);
    expect(k.values(m, NO_CAPTURES)).toEqual(['', '']);
  });

  it('a very long value appears hashed, keeping the fingerprint short', () => {
    const k = new GroupKeyer('r', ['user']);
    const fp = k.fingerprint(['u'.repeat(5000)]);
    expect(fp).toMatch(/^r\{user=sha256:[0-9a-f]{64}\}$/);
    expect(fp).not.toBe(k.fingerprint(['u'.repeat(5001)]));
  });
});
