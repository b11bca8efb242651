import { describe, expect, it } from 'vitest';
import { parseFuzzArgs } from '../../src/fuzz/options.js';

describe('fuzz flags', () => {
  it('defaults to 1M frames, seed 1, and --quick to 20k with a shorter timeout', () => {
    const full = parseFuzzArgs([])!;
    expect(full.frames).toBe(1_000_000);
    expect(full.seed).toBe(1);
    expect(full.timeoutMs).toBe(1_200_000);
    expect(full.jsonFile).toBeNull();
    const quick = parseFuzzArgs(['--quick'])!;
    expect(quick.frames).toBe(20_000);
    expect(quick.timeoutMs).toBe(180_000);
  });

  it('reads every flag, with k and M suffixes and --flag=value', () => {
    const o = parseFuzzArgs(['--frames', '50k', '--seed=9', '--json', '/tmp/x.json', '--timeout', '60', '--udp-rate', '5000', '--rss-limit', '300'])!;
    expect(o).toMatchObject({ frames: 50_000, seed: 9, jsonFile: '/tmp/x.json', timeoutMs: 60_000, udpDatagramsPerSecond: 5000, rssLimitBytes: 300 * 1024 * 1024 });
    expect(parseFuzzArgs(['--frames', '2M'])!.frames).toBe(2_000_000);
    expect(parseFuzzArgs(['--help'])).toBeNull();
  });

  it('refuses unknown flags and bad values, naming the flag', () => {
    expect(() => parseFuzzArgs(['--frams', '5'])).toThrow(/unknown option "--frams"/);
    expect(() => parseFuzzArgs(['--frames', 'lots'])).toThrow(/--frames: expected a number/);
    expect(() => parseFuzzArgs(['--frames', '0'])).toThrow(/--frames: must be a positive integer/);
    expect(() => parseFuzzArgs(['--seed', '-3'])).toThrow(/--seed/);
    expect(() => parseFuzzArgs(['--json'])).toThrow(/--json needs a value/);
  });
});
