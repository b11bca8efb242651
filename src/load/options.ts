/** `npm run load -- [options]`: flags → LoadOptions (pure). */
import { parseArgs } from 'node:util';
import { formatDurationMs, parseDurationMs } from '../config/units.js';

export const SCENARIO_NAMES = ['connections', 'slowloris', 'backpressure', 'spoofed-hosts', 'sigterm', 'kill9', 'slack-outage'] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

export const USAGE = `usage: npm run load -- [options]
  --quick                 the short version (CI): fewer seconds per scenario, 20k spoofed hosts, a 20 s Slack outage
  --scenarios LIST        comma-separated subset of: ${SCENARIO_NAMES.join(', ')} (default: all, in this order)
  --slack-outage DURATION how long the fake Slack API answers 500 and 429 (default 10m; --quick: 20s)
  --json FILE             also write every scenario's figures to FILE
  --timeout DURATION      the whole run's time limit; a scenario still running then fails (default: 3m, or 6m
                          without --quick, plus twice the Slack outage)
  -h, --help              this text`;

export interface LoadOptions {
  readonly quick: boolean;
  readonly scenarios: readonly ScenarioName[];
  readonly slackOutageMs: number;
  readonly jsonFile: string | null;
  readonly timeoutMs: number;
}

export type LoadOptionsResult = { readonly ok: true; readonly options: LoadOptions } | { readonly ok: false; readonly help: boolean; readonly error: string };

const FULL_OUTAGE_MS = 10 * 60_000;
const QUICK_OUTAGE_MS = 20_000;
/** The Slack scenario needs some outage to test, and a limit keeps a typo from running for days. */
const MIN_OUTAGE_MS = 5_000;
const MAX_OUTAGE_MS = 2 * 3_600_000;

export function parseLoadOptions(argv: readonly string[]): LoadOptionsResult {
  let values: { quick?: boolean; scenarios?: string; 'slack-outage'?: string; json?: string; timeout?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        quick: { type: 'boolean' },
        scenarios: { type: 'string' },
        'slack-outage': { type: 'string' },
        json: { type: 'string' },
        timeout: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    return { ok: false, help: false, error: (err as Error).message };
  }
  if (values.help === true) return { ok: false, help: true, error: '' };
  const quick = values.quick === true;

  let scenarios: ScenarioName[] = [...SCENARIO_NAMES];
  if (values.scenarios !== undefined) {
    const asked = values.scenarios.split(',').map((s) => s.trim()).filter((s) => s !== '');
    const unknown = asked.filter((s) => !(SCENARIO_NAMES as readonly string[]).includes(s));
    if (unknown.length > 0) return { ok: false, help: false, error: `--scenarios: unknown scenario ${unknown.map((s) => `"${s}"`).join(', ')} (known: ${SCENARIO_NAMES.join(', ')})` };
    if (asked.length === 0) return { ok: false, help: false, error: '--scenarios: name at least one scenario' };
    // The run order is fixed (the order of SCENARIO_NAMES), each scenario once.
    scenarios = SCENARIO_NAMES.filter((n) => asked.includes(n));
  }

  let slackOutageMs = quick ? QUICK_OUTAGE_MS : FULL_OUTAGE_MS;
  if (values['slack-outage'] !== undefined) {
    const ms = parseDurationMs(values['slack-outage']);
    if (ms === undefined || ms < MIN_OUTAGE_MS || ms > MAX_OUTAGE_MS) {
      return { ok: false, help: false, error: `--slack-outage: a duration from ${formatDurationMs(MIN_OUTAGE_MS)} to ${formatDurationMs(MAX_OUTAGE_MS)}, such as 20s or 10m, got "${values['slack-outage']}"` };
    }
    slackOutageMs = ms;
  }

  const outageShare = scenarios.includes('slack-outage') ? 2 * slackOutageMs : 0;
  let timeoutMs = (quick ? 3 * 60_000 : 6 * 60_000) + outageShare;
  if (values.timeout !== undefined) {
    const ms = parseDurationMs(values.timeout);
    if (ms === undefined || ms < 1000) return { ok: false, help: false, error: `--timeout: a duration of at least 1s, such as 5m, got "${values.timeout}"` };
    timeoutMs = ms;
  }

  return { ok: true, options: { quick, scenarios, slackOutageMs, jsonFile: values.json ?? null, timeoutMs } };
}
