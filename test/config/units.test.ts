import { describe, expect, it } from 'vitest';
import { parseDurationMs, parseSizeBytes } from '../../src/config/units.js';

describe('parseDurationMs', () => {
  it.each([
    ['250ms', 250], ['30s', 30_000], ['5m', 300_000], ['1h30m', 5_400_000], ['1d', 86_400_000], ['0s', 0],
  ])('%s → %d', (text, ms) => expect(parseDurationMs(text)).toBe(ms));
  it.each(['', '5', 'm', '5 m', '1h 30m', '5x', '-5s', '5m!'])('rejects %j', (text) => expect(parseDurationMs(text)).toBeUndefined());
});

describe('parseSizeBytes', () => {
  it.each([
    ['1500', 1500], ['64KiB', 65536], ['8MiB', 8 * 1024 * 1024], ['8 MB', 8_000_000], ['2kb', 2000],
  ])('%s → %d', (text, n) => expect(parseSizeBytes(text)).toBe(n));
  it.each(['', 'MiB', '8 furlongs', '-1'])('rejects %j', (text) => expect(parseSizeBytes(text)).toBeUndefined());
});
