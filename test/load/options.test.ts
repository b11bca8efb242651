import { describe, expect, it } from 'vitest';
import { parseLoadOptions, SCENARIO_NAMES } from '../../src/load/options.js';

function options(argv: string[]) {
  const r = parseLoadOptions(argv);
  if (!r.ok) throw new Error(r.error);
  return r.options;
}

function error(argv: string[]): string {
  const r = parseLoadOptions(argv);
  if (r.ok) throw new Error('accepted');
  return r.error;
}

describe('parseLoadOptions', () => {
  it('defaults: every scenario, a 10-minute Slack outage, a time limit that covers twice the outage', () => {
    expect(options([])).toEqual({ quick: false, scenarios: SCENARIO_NAMES, slackOutageMs: 600_000, jsonFile: null, timeoutMs: 360_000 + 1_200_000 });
  });

  it('--quick: a 20 s outage and a 3-minute base limit', () => {
    expect(options(['--quick'])).toMatchObject({ quick: true, slackOutageMs: 20_000, timeoutMs: 180_000 + 40_000 });
  });

  it('--scenarios picks a subset, run in the fixed order, each once; the outage counts only with slack-outage', () => {
    expect(options(['--scenarios', 'kill9,connections,kill9', '--quick'])).toMatchObject({ scenarios: ['connections', 'kill9'], timeoutMs: 180_000 });
  });

  it('--slack-outage, --timeout and --json', () => {
    expect(options(['--slack-outage', '15s', '--timeout', '2m', '--json', 'out.json'])).toMatchObject({ slackOutageMs: 15_000, timeoutMs: 120_000, jsonFile: 'out.json' });
  });

  it('refuses unknown scenarios, bad durations and unknown flags with a clear error', () => {
    expect(error(['--scenarios', 'connections,nope'])).toMatch(/unknown scenario "nope"/);
    expect(error(['--scenarios', ','])).toMatch(/at least one/);
    expect(error(['--slack-outage', '1s'])).toMatch(/from 5s to 2h/);
    expect(error(['--slack-outage', 'soon'])).toMatch(/--slack-outage/);
    expect(error(['--timeout', '0s'])).toMatch(/--timeout/);
    expect(error(['--fast'])).toMatch(/--fast/);
  });

  it('--help asks for the usage text', () => {
    expect(parseLoadOptions(['--help'])).toEqual({ ok: false, help: true, error: '' });
  });
});
