import { describe, expect, it } from 'vitest';
import { parseSyslog } from '../../src/parse/syslog.js';
import { isValidTimezone } from '../../src/parse/timezone.js';
import { BACKGROUND_KINDS } from '../../src/simulate/line-templates.js';
import { KEYWORD_LINES, SCENARIOS, SSH_BURST, TrafficGenerator, type FormatChoice, type GeneratorOptions, type SimulatedLine } from '../../src/simulate/scenarios.js';

/** The zone the simulator's RFC 3164 stamps are written in: this machine's. */
const LOCAL_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;
const NOW = new Date(Date.UTC(2026, 2, 14, 9, 26, 53, 589));

function generate(options: Partial<GeneratorOptions>, count: number, clock: (i: number) => Date = () => NOW): SimulatedLine[] {
  const g = new TrafficGenerator({ scenario: 'mixed', hosts: 50, seed: 1, format: 'mixed', rate: 100, ...options });
  return Array.from({ length: count }, (_, i) => g.next(clock(i)));
}

describe('generated lines parse cleanly with the project parser', () => {
  it('the local zone is one the parser knows', () => {
    expect(isValidTimezone(LOCAL_ZONE)).toBe(true);
  });

  for (const scenario of SCENARIOS) {
    for (const format of ['rfc3164', 'rfc5424', 'mixed'] as const satisfies readonly FormatChoice[]) {
      it(`${scenario}, --format ${format}: protocol, host, program, timestamp and message of every line`, () => {
        const lines = generate({ scenario, format, seed: 42 }, 3000);
        const formats = new Set<string>();
        const problems: unknown[] = [];
        for (const line of lines) {
          const m = parseSyslog(line.text, { timezone: LOCAL_ZONE, now: NOW.getTime() });
          // BSD stamps have whole seconds; RFC 3339 ones keep the milliseconds
          const stamp = line.format === 'rfc5424' ? NOW.getTime() : NOW.getTime() - NOW.getMilliseconds();
          // every line names its program, except Cisco's, whose %FAC-SEV-MNEMONIC stands in its place
          const cisco = line.text.includes('%SYS-5-CONFIG_I');
          const appOk = cisco ? line.format === 'rfc5424' || m.appname === '%SYS-5-CONFIG_I' : m.appname !== null && /^[A-Za-z][\w-]*$/.test(m.appname);
          const sdOk = m.structuredData === null || 'timeQuality' in m.structuredData;
          if (m.protocol !== line.format || m.hostname !== line.host || m.timestampMs !== stamp || m.message.length < 10 || m.message.includes('\ufffd') || !appOk || !sdOk) {
            problems.push({ line: line.text, parsed: m });
          }
          formats.add(line.format);
        }
        expect(problems).toEqual([]);
        expect([...formats].sort()).toEqual(format === 'mixed' ? ['rfc3164', 'rfc5424'] : [format]);
      });
    }
  }

  it('a BSD stamp pads the day with a space, as syslogd writes it', () => {
    const [line] = generate({ format: 'rfc3164' }, 1, () => new Date(2026, 0, 5, 7, 8, 9));
    expect(line!.text).toMatch(/^<\d+>Jan {2}5 07:08:09 /);
  });

  it('the mix covers every background kind, many hosts, and about 35% RFC 5424', () => {
    const lines = generate({ seed: 7 }, 5000);
    const kinds = new Set(lines.map((l) => l.kind));
    expect([...kinds].sort()).toEqual([...BACKGROUND_KINDS].sort());
    expect(new Set(lines.map((l) => l.host)).size).toBe(50);
    const share = lines.filter((l) => l.format === 'rfc5424').length / lines.length;
    expect(share).toBeGreaterThan(0.3);
    expect(share).toBeLessThan(0.4);
  });
});

describe('seeded determinism', () => {
  const options = { scenario: 'ssh-burst', format: 'mixed', hosts: 30, rate: 50 } as const;

  it('the same seed gives the same lines', () => {
    expect(generate({ ...options, seed: 1234 }, 2000)).toEqual(generate({ ...options, seed: 1234 }, 2000));
  });

  it('another seed gives other lines', () => {
    const a = generate({ ...options, seed: 1 }, 200).map((l) => l.text);
    const b = generate({ ...options, seed: 2 }, 200).map((l) => l.text);
    expect(a.filter((line, i) => line === b[i]).length).toBeLessThan(5);
  });

  it('only the timestamps depend on the clock', () => {
    const stripped = (lines: SimulatedLine[]) => lines.map((l) => l.text.replace(/^<\d+>(?:1 \S+|\w{3} [ \d]\d \d\d:\d\d:\d\d)/, '').replace(/\[\d\d\/\w{3}\/\d{4}:[\d:]+ [+-]\d{4}\]/, '[]'));
    const earlier = generate({ ...options, seed: 9 }, 500, (i) => new Date(NOW.getTime() - 86_400_000 * 40 + i));
    expect(stripped(earlier)).toEqual(stripped(generate({ ...options, seed: 9 }, 500)));
  });
});

describe('scenario events fall on fixed lines (line i is due at i / rate seconds)', () => {
  it('mixed injects nothing', () => {
    expect(generate({ scenario: 'mixed' }, 5000).filter((l) => !(BACKGROUND_KINDS as readonly string[]).includes(l.kind))).toEqual([]);
  });

  it('ssh-burst: 8 attempts 100 ms apart from one attacker on one host, every 10 s from 1 s on', () => {
    const rate = 100;
    const lines = generate({ scenario: 'ssh-burst', rate }, 3000);
    const burst = lines.flatMap((l, i) => (l.kind === 'ssh-burst' ? [i] : []));
    const starts = [0, 1, 2].map((k) => ((SSH_BURST.firstAtMs + k * SSH_BURST.everyMs) / 1000) * rate);
    expect(burst).toEqual(starts.flatMap((s) => Array.from({ length: SSH_BURST.attempts }, (_, j) => s + j * 10)));
    for (const s of starts) {
      const group = lines.slice(s, s + 71).filter((l) => l.kind === 'ssh-burst');
      expect(new Set(group.map((l) => l.host)).size).toBe(1);
      expect(new Set(group.map((l) => /from (\S+) port/.exec(l.text)![1])).size).toBe(1);
      for (const l of group) expect(l.text).toMatch(/ sshd(?:\[\d+\]:| \d+ - (?:-|\[[^\]]+\])) Invalid user \S+ from \S+ port \d+$/);
    }
  });

  it('ssh-burst at 1 line/s: the attempts take consecutive lines', () => {
    const lines = generate({ scenario: 'ssh-burst', rate: 1 }, 30);
    expect(lines.flatMap((l, i) => (l.kind === 'ssh-burst' ? [i] : []))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 13, 14, 15, 16, 17, 18, 21, 22, 23, 24, 25, 26, 27, 28]);
  });

  it('keyword: one line every 5 s from 0.5 s on', () => {
    const rate = 10;
    const lines = generate({ scenario: 'keyword', rate }, 200);
    const expected = Array.from({ length: 4 }, (_, k) => ((KEYWORD_LINES.firstAtMs + k * KEYWORD_LINES.everyMs) / 1000) * rate);
    expect(lines.flatMap((l, i) => (l.kind === 'keyword' ? [i] : []))).toEqual(expected);
  });
});
