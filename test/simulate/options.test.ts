import { describe, expect, it } from 'vitest';
import { parseSimulateOptions } from '../../src/simulate/options.js';

const BASE = ['--target', 'udp://127.0.0.1:5514', '--rate', '100', '--duration', '2s', '--scenario', 'mixed'];

function errorOf(argv: string[]): string {
  const r = parseSimulateOptions(argv, 77);
  if (r.ok || r.help) throw new Error(`expected an error for ${argv.join(' ')}`);
  return r.error;
}

/** BASE with one flag's value replaced (or the flag added). */
function withFlag(name: string, value?: string): string[] {
  const i = BASE.indexOf(name);
  if (i >= 0) return [...BASE.slice(0, i + 1), ...(value === undefined ? [] : [value]), ...BASE.slice(i + 2)];
  return [...BASE, name, ...(value === undefined ? [] : [value])];
}

describe('parseSimulateOptions', () => {
  it('defaults', () => {
    expect(parseSimulateOptions(BASE, 77)).toEqual({
      ok: true,
      options: { target: { protocol: 'udp', host: '127.0.0.1', port: 5514 }, rate: 100, durationMs: 2000, scenario: 'mixed', hosts: 50, seed: 77, format: 'mixed', framing: 'octet', allowRemote: false, ca: null, insecure: false },
    });
  });

  it('every option, and the = form', () => {
    const r = parseSimulateOptions(['--target=tls://localhost:6514', '--rate=2.5', '--duration=1m30s', '--scenario=ssh-burst', '--hosts=3', '--seed=0', '--format=rfc5424', '--framing=lf', '--ca=/tmp/ca.pem', '--allow-remote'], 1);
    expect(r).toMatchObject({ ok: true, options: { rate: 2.5, durationMs: 90_000, scenario: 'ssh-burst', hosts: 3, seed: 0, format: 'rfc5424', framing: 'lf', ca: '/tmp/ca.pem', allowRemote: true } });
  });

  it('a bare duration is seconds', () => {
    expect(parseSimulateOptions(withFlag('--duration', '30'), 1)).toMatchObject({ options: { durationMs: 30_000 } });
  });

  it('--help', () => {
    expect(parseSimulateOptions(['--help'], 1)).toEqual({ ok: false, help: true });
  });

  it.each([
    [['--rate', '100', '--duration', '2s', '--scenario', 'mixed'], '--target is required (e.g. --target udp://127.0.0.1:5514)'],
    [withFlag('--target', 'udp://127.0.0.1'), '--target "udp://127.0.0.1" is not udp://HOST:PORT, tcp://HOST:PORT or tls://HOST:PORT'],
    [BASE.filter((_, i) => i !== 2 && i !== 3), '--rate is required (lines per second, e.g. --rate 100)'],
    [withFlag('--rate', '0'), '--rate must be a number of lines per second from 1 to 100000, got "0"'],
    [[...BASE, '--rate=-5'], '--rate must be a number of lines per second from 1 to 100000, got "-5"'],
    [withFlag('--rate', '-5'), "Option '--rate' argument is ambiguous."],
    [withFlag('--rate', '100001'), '--rate must be a number of lines per second from 1 to 100000, got "100001"'],
    [withFlag('--rate', '1e3'), '--rate must be a number of lines per second from 1 to 100000, got "1e3"'],
    [withFlag('--rate', 'fast'), '--rate must be a number of lines per second from 1 to 100000, got "fast"'],
    [BASE.slice(0, 4).concat(BASE.slice(6)), '--duration is required (e.g. --duration 30s)'],
    [withFlag('--duration', '0s'), '--duration must be a positive duration up to 24h (e.g. 500ms, 30s, 5m, 1h), got "0s"'],
    [withFlag('--duration', '25h'), '--duration must be a positive duration up to 24h (e.g. 500ms, 30s, 5m, 1h), got "25h"'],
    [withFlag('--duration', 'soon'), '--duration must be a positive duration up to 24h (e.g. 500ms, 30s, 5m, 1h), got "soon"'],
    [[...BASE, '--duration=-3s'], '--duration must be a positive duration up to 24h (e.g. 500ms, 30s, 5m, 1h), got "-3s"'],
    [[...withFlag('--rate', '1'), '--duration', '500ms'], '--rate 1 for --duration 500ms sends no line at all'],
    [BASE.slice(0, 6), '--scenario is required: mixed, ssh-burst, keyword'],
    [withFlag('--scenario', 'dos'), '--scenario must be one of mixed, ssh-burst, keyword, got "dos"'],
    [withFlag('--hosts', '0'), '--hosts must be a whole number from 1 to 10000, got "0"'],
    [withFlag('--hosts', '10001'), '--hosts must be a whole number from 1 to 10000, got "10001"'],
    [withFlag('--hosts', '2.5'), '--hosts must be a whole number from 1 to 10000, got "2.5"'],
    [[...BASE, '--seed=-1'], '--seed must be a whole number from 0 to 4294967295, got "-1"'],
    [withFlag('--seed', '4294967296'), '--seed must be a whole number from 0 to 4294967295, got "4294967296"'],
    [withFlag('--format', 'json'), '--format must be one of mixed, rfc3164, rfc5424, got "json"'],
    [withFlag('--framing', 'lf'), '--framing applies to tcp:// and tls:// targets only (UDP sends one line per datagram)'],
    [[...withFlag('--target', 'tcp://127.0.0.1:1'), '--framing', 'nul'], '--framing must be octet or lf, got "nul"'],
    [withFlag('--ca', '/tmp/ca.pem'), '--ca applies to tls:// targets only'],
    [withFlag('--insecure'), '--insecure applies to tls:// targets only'],
    [[...withFlag('--target', 'tls://127.0.0.1:1'), '--insecure', '--ca', 'x.pem'], 'give either --ca FILE or --insecure, not both'],
    [withFlag('--bogus'), "Unknown option '--bogus'"],
    [[...BASE, 'extra'], /Unexpected argument 'extra'/],
    [withFlag('--hosts'), "Option '--hosts <value>' argument missing"],
  ])('%j → %s', (argv, message) => {
    const error = errorOf(argv as string[]);
    if (message instanceof RegExp) expect(error).toMatch(message);
    else expect(error.startsWith(message)).toBe(true);
  });
});
