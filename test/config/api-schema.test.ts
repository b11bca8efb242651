/** `http.api` (the HTTP ingest and detect API), through the real config loader. */
import { describe, expect, it } from 'vitest';
import { loadConfigText } from '../../src/config/load.js';
import { configProblems } from '../helpers/config-problems.js';

const BASE = 'listeners: [{ protocol: udp, port: 1 }]\n';
const TOKEN = 'a-token-of-20-chars!';

const load = (api: unknown, env: Record<string, string> = {}) => loadConfigText(`${BASE}http: { api: ${JSON.stringify(api)} }\n`, { env }).http.api;

describe('http.api config', () => {
  it('is off by default, with the documented limits', () => {
    expect(loadConfigText(BASE).http).toEqual({
      address: '127.0.0.1',
      port: 9514,
      api: { ingest: false, detect: false, maxBodyBytes: 1024 * 1024, maxLines: 10_000, maxLineBytes: 64 * 1024 },
    });
  });

  it('takes the token from the environment and sizes with units', () => {
    expect(load({ ingest: true, token: '${SYSLOG_API_TOKEN}', maxBodyBytes: '256KiB', maxLineBytes: '8KiB', maxLines: 500 }, { SYSLOG_API_TOKEN: TOKEN })).toEqual({
      ingest: true,
      detect: false,
      token: TOKEN,
      maxBodyBytes: 256 * 1024,
      maxLines: 500,
      maxLineBytes: 8 * 1024,
    });
  });

  it('an endpoint that is on needs a token; an unset variable is named', () => {
    expect(configProblems(() => load({ detect: true }))).toEqual([expect.stringMatching(/^http\.api\.token: is required when ingest or detect is on/)]);
    expect(configProblems(() => load({ ingest: true, token: '${SYSLOG_API_TOKEN}' }))).toEqual(['http.api.token: environment variable SYSLOG_API_TOKEN is not set']);
  });

  it('a short or spaced token is refused without echoing it', () => {
    for (const token of ['fifteen-chars-x', 'has a space in the middle']) {
      const found = configProblems(() => load({ ingest: true, token }));
      expect(found).toEqual([expect.stringMatching(/^http\.api\.token: must be at least 16 printable ASCII characters without spaces/)]);
      expect(found.join('\n')).not.toContain(token.slice(0, 10));
    }
    expect(load({ ingest: true, token: 'x'.repeat(16) }).token).toBe('x'.repeat(16));
  });

  it('a token with both endpoints off is allowed (and unused)', () => {
    expect(load({ token: 'short' }).token).toBe('short');
  });

  it('limits are bounded and a line may not exceed the body', () => {
    expect(configProblems(() => load({ ingest: true, token: TOKEN, maxBodyBytes: '1GiB' }))).toEqual([expect.stringMatching(/^http\.api\.maxBodyBytes: /)]);
    expect(configProblems(() => load({ ingest: true, token: TOKEN, maxLines: 0 }))).toEqual([expect.stringMatching(/^http\.api\.maxLines: /)]);
    expect(configProblems(() => load({ ingest: true, token: TOKEN, maxBodyBytes: '4KiB', maxLineBytes: '8KiB' }))).toEqual([
      'http.api.maxLineBytes: must not be larger than maxBodyBytes (4096)',
    ]);
    expect(configProblems(() => load({ ingest: true, token: TOKEN, tokenFile: '/etc/x' }))).toEqual([expect.stringMatching(/^http\.api: Unrecognized key: "tokenFile"/)]);
  });
});
