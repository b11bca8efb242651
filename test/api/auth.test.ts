import { describe, expect, it } from 'vitest';
import { BearerAuth } from '../../src/api/auth.js';

const TOKEN = 'Zm9vYmFyLXRva2VuLTEyMzQ1';

describe('BearerAuth', () => {
  const auth = new BearerAuth(TOKEN);

  it('allows exactly the configured token (scheme case-insensitive, as RFC 7235 says)', () => {
    expect(auth.allows(`Bearer ${TOKEN}`)).toBe(true);
    expect(auth.allows(`bearer ${TOKEN}`)).toBe(true);
    expect(auth.allows(`Bearer  ${TOKEN} `)).toBe(true);
  });

  it('refuses a missing, empty, malformed or different token', () => {
    for (const header of [undefined, '', 'Bearer', 'Bearer ', TOKEN, `Basic ${TOKEN}`, `Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(0, -1)}`, `Bearer ${TOKEN.toLowerCase()}`, `Bearer ${TOKEN} extra`]) {
      expect(auth.allows(header), String(header)).toBe(false);
    }
  });

  it('a prefix of the token or the token with a longer tail is not enough', () => {
    expect(auth.allows(`Bearer ${TOKEN.slice(0, 8)}`)).toBe(false);
    expect(auth.allows(`Bearer ${TOKEN}${TOKEN}`)).toBe(false);
  });
});
