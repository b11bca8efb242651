import { describe, it, expect } from 'vitest';
import { SourceAllowlist, normalizeRemoteAddress } from '../../src/ingest/source-allowlist.js';

describe('SourceAllowlist', () => {
  it('allows everyone when no list is configured', () => {
    const list = SourceAllowlist.compile(null);
    expect(list.allowsAll).toBe(true);
    expect(list.allows('203.0.113.9')).toBe(true);
    expect(list.allows('2001:db8::1')).toBe(true);
  });

  it('matches IPv4 blocks and single addresses', () => {
    const list = SourceAllowlist.compile(['10.0.0.0/8', '192.168.1.7']);
    expect(list.allowsAll).toBe(false);
    expect(list.allows('10.200.3.4')).toBe(true);
    expect(list.allows('192.168.1.7')).toBe(true);
    expect(list.allows('192.168.1.8')).toBe(false);
    expect(list.allows('11.0.0.1')).toBe(false);
  });

  it('matches IPv4-mapped IPv6 senders against IPv4 rules', () => {
    const list = SourceAllowlist.compile(['10.0.0.0/8']);
    expect(list.allows('::ffff:10.0.0.1')).toBe(true);
    expect(list.allows('::FFFF:10.0.0.1')).toBe(true);
    expect(list.allows('::ffff:11.0.0.1')).toBe(false);
  });

  it('matches IPv6 blocks, ignoring a zone suffix', () => {
    const list = SourceAllowlist.compile(['2001:db8::/32', 'fe80::/10', '::1']);
    expect(list.allows('2001:db8:1::5')).toBe(true);
    expect(list.allows('2001:db9::5')).toBe(false);
    expect(list.allows('fe80::1%eth0')).toBe(true);
    expect(list.allows('::1')).toBe(true);
    expect(list.allows('10.0.0.1')).toBe(false);
  });

  it('refuses addresses it cannot parse', () => {
    const list = SourceAllowlist.compile(['0.0.0.0/0', '::/0']);
    expect(list.allows('not-an-address')).toBe(false);
    expect(list.allows('')).toBe(false);
  });

  it('throws on an invalid entry', () => {
    expect(() => SourceAllowlist.compile(['10.0.0.0/33'])).toThrow(/10\.0\.0\.0\/33/);
    expect(() => SourceAllowlist.compile(['nope'])).toThrow(RangeError);
    expect(() => SourceAllowlist.compile(['10.0.0.0/x'])).toThrow(/prefix/);
  });
});

describe('normalizeRemoteAddress', () => {
  it('unwraps IPv4-mapped IPv6 and leaves everything else alone', () => {
    expect(normalizeRemoteAddress('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(normalizeRemoteAddress('192.0.2.1')).toBe('192.0.2.1');
    expect(normalizeRemoteAddress('::1')).toBe('::1');
    expect(normalizeRemoteAddress('::ffff:c000:201')).toBe('::ffff:c000:201');
  });
});
