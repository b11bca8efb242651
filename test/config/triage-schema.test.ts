/** The `triage` section, through the real config loader. */
import { describe, expect, it } from 'vitest';
import { loadConfigText } from '../../src/config/load.js';
import { configProblems } from '../helpers/config-problems.js';

const BASE = 'listeners: [{ protocol: udp, port: 1 }]\n';
const load = (triage: unknown, env: Record<string, string> = {}) => loadConfigText(`${BASE}triage: ${JSON.stringify(triage)}\n`, { env }).triage;

describe('triage config', () => {
  it('is off when absent', () => {
    expect(loadConfigText(BASE).triage).toBeNull();
  });

  it('a local Ollama endpoint with every default filled', () => {
    expect(load({ baseUrl: 'http://127.0.0.1:11434/v1/', model: 'llama3.2:3b' })).toEqual({
      baseUrl: 'http://127.0.0.1:11434/v1',
      model: 'llama3.2:3b',
      apiKeyEnv: null,
      apiKey: null,
      timeoutMs: 10_000,
      maxCallsPerHour: 20,
      maxConcurrent: 2,
      cacheSize: 1000,
      cacheTtlMs: 3_600_000,
      redact: { ips: true, users: true },
      maxSampleLines: 5,
      temperature: 0.2,
      maxTokens: 200,
    });
  });

  it('reads the key from the variable apiKeyEnv names; every option can be set', () => {
    const config = load(
      { baseUrl: 'https://api.openai.com/v1', model: 'gpt-4o-mini', apiKeyEnv: 'OPENAI_API_KEY', timeout: '20s', maxCallsPerHour: 5, maxConcurrent: 1, cacheSize: 0, cacheTtl: '2h', redact: { users: false }, maxSampleLines: 2, temperature: 0, maxTokens: 100 },
      { OPENAI_API_KEY: 'sk-abc123' },
    );
    expect(config).toMatchObject({ apiKeyEnv: 'OPENAI_API_KEY', apiKey: 'sk-abc123', timeoutMs: 20_000, maxCallsPerHour: 5, maxConcurrent: 1, cacheSize: 0, cacheTtlMs: 7_200_000, redact: { ips: true, users: false }, maxSampleLines: 2, temperature: 0, maxTokens: 100 });
  });

  it('an unset or empty key variable is an error that names it (not the value)', () => {
    expect(configProblems(() => load({ baseUrl: 'https://api.openai.com/v1', model: 'm', apiKeyEnv: 'MISSING_KEY' }))).toEqual([
      'triage.apiKeyEnv: environment variable MISSING_KEY is not set (leave apiKeyEnv out for a local server without a key)',
    ]);
    expect(configProblems(() => load({ baseUrl: 'https://api.openai.com/v1', model: 'm', apiKeyEnv: 'EMPTY' }, { EMPTY: '' }))).toHaveLength(1);
  });

  it('refuses bad values, each with its path', () => {
    const p = configProblems(() =>
      load({ baseUrl: 'ftp://x/v1', model: '', apiKeyEnv: 'not a name', timeout: '50ms', maxCallsPerHour: 0, maxConcurrent: 17, maxSampleLines: 6, redact: { ips: 'yes' }, extra: 1 }),
    );
    for (const path of ['triage.baseUrl', 'triage.model', 'triage.apiKeyEnv', 'triage.timeout', 'triage.maxCallsPerHour', 'triage.maxConcurrent', 'triage.maxSampleLines', 'triage.redact.ips', 'triage']) {
      expect(p.some((line) => line.startsWith(`${path}:`)), `${path} in ${JSON.stringify(p)}`).toBe(true);
    }
    expect(configProblems(() => load({ model: 'm' })).some((l) => l.startsWith('triage.baseUrl:'))).toBe(true);
  });

  it('a base URL with credentials, a query or a fragment is refused (the key belongs in apiKeyEnv)', () => {
    for (const baseUrl of ['https://user:sk-secret@api.example.com/v1', 'https://api.example.com/v1?key=sk', 'http://127.0.0.1:8080/v1#x']) {
      expect(configProblems(() => load({ baseUrl, model: 'm' }))[0]).toMatch(/^triage\.baseUrl: must be a plain http\(s\) base URL/);
    }
  });
});
