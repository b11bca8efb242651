import { describe, expect, it } from 'vitest';
import { isHostname, isIpLiteral, isTagChar, isUbiquitiIdentity, readDigits, skipSpaces, tokenEnd } from '../../src/parse/char-classes.js';

const host = (s: string) => isHostname(s, 0, s.length);

describe('isHostname', () => {
  it('accepts names, IPv4 and IPv6 literals', () => {
    for (const s of ['mymachine', 'mymachine.example.com', 'ip-172-31-43-28', 'logica5_engine6', '192.168.33.8-1', '10.0.4.87', 'Übergröße',
      '0002::', '0001:BABA:BA00:DAB::BAB0', '0000:BABA:BA00:DAB:BABA:BABA:BABA:BAB0', '::FFFF:129.144.52.38', 'fe80::1']) {
      expect(host(s), s).toBe(true);
    }
  });

  it('rejects tags, sequence numbers, times and other non-names', () => {
    for (const s of ['sshd[123]:', 'su:', '123:', '000123:', '%ASA-6-102030', '#001', 'hostname1/hostname2', 'Hostn@me2', '16:31:28',
      'CCLogTap::profileRemoved,', 'a-', '', 'x'.repeat(256), 'time=16:31:28']) {
      expect(host(s), s).toBe(false);
    }
  });
});

describe('isIpLiteral', () => {
  it('accepts dotted quads and IPv6 only', () => {
    expect(isIpLiteral('192.168.26.254', 0, 14)).toBe(true);
    expect(isIpLiteral('::1', 0, 3)).toBe(true);
    expect(isIpLiteral('192.168.26', 0, 10)).toBe(false);
    expect(isIpLiteral('1234.1.1.1', 0, 10)).toBe(false);
    expect(isIpLiteral('host.example', 0, 12)).toBe(false);
  });
});

describe('isUbiquitiIdentity', () => {
  it('recognises MODEL,MAC,VERSION', () => {
    for (const s of ['U7PG2,f09fc2XXXXXX,v4.3.20.11298', 'U7PG2,788a2056b181,v4.0.66.10832', 'US8P60,18e8294876c3,v4.0.66.10832']) {
      expect(isUbiquitiIdentity(s, 0, s.length), s).toBe(true);
    }
    for (const s of ['system,info,account', 'a,b,c', 'U7PG2,f09fc2,v4', 'U7PG2,f09fc2XXXXXX,4.3']) {
      expect(isUbiquitiIdentity(s, 0, s.length), s).toBe(false);
    }
  });
});

describe('scanners', () => {
  it('find tokens and digits', () => {
    expect(tokenEnd('abc def', 0, 7)).toBe(3);
    expect(tokenEnd('abc def', 4, 7)).toBe(7);
    expect(tokenEnd('abc def', 0, 2)).toBe(2);
    expect(skipSpaces('a   b', 1, 5)).toBe(4);
    expect(readDigits('2019-', 0, 4, 5)).toBe(2019);
    expect(readDigits('20x9', 0, 4, 4)).toBe(-1);
    expect(readDigits('201', 0, 4, 3)).toBe(-1);
  });

  it('tells tag characters from content characters', () => {
    for (const c of 'aZ09-_./%#(),@') expect(isTagChar(c.charCodeAt(0)), c).toBe(true);
    for (const c of ' :[]="\'{}<>|\\\t') expect(isTagChar(c.charCodeAt(0)), c).toBe(false);
  });
});
