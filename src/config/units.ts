/** Value schemas shared by the config sections (schema.ts, notify-schema.ts, rules-schema.ts): durations, sizes, ports, addresses. */
import { isIP } from 'node:net';
import { z } from 'zod';

const DURATION_UNITS_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION_PART = /(\d+)(ms|s|m|h|d)/gy;

/** "90s", "5m", "1h30m", "250ms" → milliseconds; undefined when the text is not a duration. */
export function parseDurationMs(text: string): number | undefined {
  if (text.length === 0) return undefined;
  DURATION_PART.lastIndex = 0;
  let total = 0;
  let m: RegExpExecArray | null;
  while ((m = DURATION_PART.exec(text)) !== null) {
    total += Number(m[1]) * (DURATION_UNITS_MS[m[2]!] ?? 0);
    if (DURATION_PART.lastIndex === text.length) return total;
  }
  return undefined;
}

const SIZE_UNITS: Readonly<Record<string, number>> = {
  b: 1, kb: 1000, mb: 1_000_000, gb: 1_000_000_000, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3,
};

/** "8MiB", "64 KiB", "1500" → bytes; undefined when the text is not a size. */
export function parseSizeBytes(text: string): number | undefined {
  const m = /^\s*(\d+)\s*([a-zA-Z]*)\s*$/.exec(text);
  if (!m) return undefined;
  const unit = m[2] === '' ? 1 : SIZE_UNITS[m[2]!.toLowerCase()];
  return unit === undefined ? undefined : Number(m[1]) * unit;
}

function unitSchema(what: string, examples: string, parse: (text: string) => number | undefined) {
  return z.union([z.number(), z.string()], { message: `must be a ${what} (e.g. ${examples})` }).transform((v, ctx) => {
    const n = typeof v === 'number' ? v : parse(v.trim());
    if (n === undefined || !Number.isSafeInteger(n) || n < 0) {
      ctx.addIssue({ code: 'custom', message: `${JSON.stringify(v)} is not a ${what} (use e.g. ${examples})` });
      return z.NEVER;
    }
    return n;
  });
}

/** A duration in YAML: a string with units ("30s", "5m") or a whole number of milliseconds. */
export const DurationMs = unitSchema('duration', '250ms, 30s, 5m, 1h30m, 1d', parseDurationMs);

/** A size in YAML: a string with units ("8MiB", "64KiB") or a whole number of bytes. */
export const SizeBytes = unitSchema('size', '1500, 64KiB, 8MiB', parseSizeBytes);

/** A TCP/UDP port; 0 lets the kernel pick one. */
export const Port = z.number().int().min(0).max(65535);

/** An IPv4 or IPv6 address literal (no host names). */
export const IpAddress = z.string().refine((s) => isIP(s) !== 0, { message: 'must be an IPv4 or IPv6 address literal' });

/** Milliseconds → the shortest duration text parseDurationMs reads back ("90000" → "1m30s", "0" → "0s"). */
export function formatDurationMs(ms: number): string {
  if (ms <= 0) return '0s';
  let rest = Math.round(ms);
  let text = '';
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000], ['ms', 1]] as const) {
    if (rest >= size) {
      text += `${Math.floor(rest / size)}${unit}`;
      rest %= size;
    }
  }
  return text;
}
