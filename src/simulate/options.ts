/**
 * `simulate` flags → validated options. Every problem is one clear sentence (the command prints it with the usage
 * and exits 2). Bounds keep a typo from turning into a flood or a day-long run: rate 1-100,000 lines/s,
 * duration up to 24 h, 1-10,000 hosts.
 */
import { parseArgs } from 'node:util';
import { parseDurationMs } from '../config/units.js';
import { FORMAT_CHOICES, SCENARIOS, type FormatChoice, type ScenarioName } from './scenarios.js';
import type { StreamFraming } from './stream-transport.js';
import { parseTarget, type Target } from './target.js';

export const MAX_RATE = 100_000;
export const MIN_RATE = 1;
export const MAX_DURATION_MS = 24 * 3_600_000;
export const MAX_HOSTS = 10_000;
const MAX_SEED = 0xffffffff;

export interface SimulateOptions {
  readonly target: Target;
  readonly rate: number;
  readonly durationMs: number;
  readonly scenario: ScenarioName;
  readonly hosts: number;
  readonly seed: number;
  readonly format: FormatChoice;
  readonly framing: StreamFraming;
  readonly allowRemote: boolean;
  /** PEM file of the CA (or self-signed certificate) to trust for tls://. */
  readonly ca: string | null;
  readonly insecure: boolean;
}

export type OptionsResult = { readonly ok: true; readonly options: SimulateOptions } | { readonly ok: false; readonly help: true } | { readonly ok: false; readonly help: false; readonly error: string };

const FLAGS = {
  target: { type: 'string' },
  rate: { type: 'string' },
  duration: { type: 'string' },
  scenario: { type: 'string' },
  hosts: { type: 'string' },
  seed: { type: 'string' },
  format: { type: 'string' },
  framing: { type: 'string' },
  ca: { type: 'string' },
  insecure: { type: 'boolean' },
  'allow-remote': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function fail(error: string): OptionsResult {
  return { ok: false, help: false, error };
}

/** "30s", "5m", "1h30m", "250ms", or bare seconds ("30"). */
function durationOf(text: string): number | undefined {
  return /^\d+$/.test(text) ? Number(text) * 1000 : parseDurationMs(text);
}

function readFlags(argv: readonly string[]) {
  return parseArgs({ args: [...argv], options: FLAGS, strict: true, allowPositionals: false }).values;
}

/** `randomSeed` is used when --seed is not given (the summary reports it, so the run can be repeated). */
export function parseSimulateOptions(argv: readonly string[], randomSeed: number): OptionsResult {
  let values: ReturnType<typeof readFlags>;
  try {
    values = readFlags(argv);
  } catch (err) {
    return fail((err as Error).message);
  }
  if (values.help === true) return { ok: false, help: true };

  if (values.target === undefined) return fail('--target is required (e.g. --target udp://127.0.0.1:5514)');
  const target = parseTarget(values.target);
  if (typeof target === 'string') return fail(target);

  if (values.rate === undefined) return fail('--rate is required (lines per second, e.g. --rate 100)');
  const rate = Number(values.rate);
  if (!/^\d+(?:\.\d+)?$/.test(values.rate) || !(rate >= MIN_RATE && rate <= MAX_RATE)) return fail(`--rate must be a number of lines per second from ${MIN_RATE} to ${MAX_RATE}, got "${values.rate}"`);

  if (values.duration === undefined) return fail('--duration is required (e.g. --duration 30s)');
  const durationMs = durationOf(values.duration);
  if (durationMs === undefined || durationMs <= 0 || durationMs > MAX_DURATION_MS) return fail(`--duration must be a positive duration up to 24h (e.g. 500ms, 30s, 5m, 1h), got "${values.duration}"`);
  if (Math.floor((rate * durationMs) / 1000) < 1) return fail(`--rate ${values.rate} for --duration ${values.duration} sends no line at all`);

  if (values.scenario === undefined) return fail(`--scenario is required: ${SCENARIOS.join(', ')}`);
  const scenario = values.scenario as ScenarioName;
  if (!SCENARIOS.includes(scenario)) return fail(`--scenario must be one of ${SCENARIOS.join(', ')}, got "${values.scenario}"`);

  const hostsText = values.hosts ?? '50';
  const hosts = Number(hostsText);
  if (!/^\d+$/.test(hostsText) || hosts < 1 || hosts > MAX_HOSTS) return fail(`--hosts must be a whole number from 1 to ${MAX_HOSTS}, got "${hostsText}"`);

  let seed = randomSeed >>> 0;
  if (values.seed !== undefined) {
    seed = Number(values.seed);
    if (!/^\d+$/.test(values.seed) || seed > MAX_SEED) return fail(`--seed must be a whole number from 0 to ${MAX_SEED}, got "${values.seed}"`);
  }

  const format = (values.format ?? 'mixed') as FormatChoice;
  if (!FORMAT_CHOICES.includes(format)) return fail(`--format must be one of ${FORMAT_CHOICES.join(', ')}, got "${values.format}"`);

  const stream = target.protocol !== 'udp';
  if (values.framing !== undefined && !stream) return fail('--framing applies to tcp:// and tls:// targets only (UDP sends one line per datagram)');
  const framing = (values.framing ?? 'octet') as StreamFraming;
  if (framing !== 'octet' && framing !== 'lf') return fail(`--framing must be octet or lf, got "${values.framing}"`);

  if (values.ca !== undefined && target.protocol !== 'tls') return fail('--ca applies to tls:// targets only');
  if (values.insecure === true && target.protocol !== 'tls') return fail('--insecure applies to tls:// targets only');
  if (values.insecure === true && values.ca !== undefined) return fail('give either --ca FILE or --insecure, not both');

  return {
    ok: true,
    options: { target, rate, durationMs, scenario, hosts, seed, format, framing, allowRemote: values['allow-remote'] === true, ca: values.ca ?? null, insecure: values.insecure === true },
  };
}
