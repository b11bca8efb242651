import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { MAX_MATCH_CHARS } from '../../src/detect/match.js';
import { PRESETS } from '../../src/detect/presets.js';
import { analyzeRegex } from '../../src/detect/regex-safety.js';

const problems = (source: string, ignoreCase = false) => analyzeRegex(source, ignoreCase).problems.join('\n');

/** Patterns the check must accept. Every one of them is also run against adversarial lines below. */
const SAFE = [
  // Realistic rule patterns.
  '^Invalid user (?<user>.*) from (?<ip>\\S+) port \\d+$',
  'Invalid user (?<user>.*) from (?<ip>\\S+)',
  'link (?<iface>\\S+) down',
  '(?:foo|bar)+',
  '^Failed (?:password|publickey) for (?:invalid user )?(?<user>\\S+) from (?<ip>[\\d.:a-fA-F]+)',
  '%SYS-5-CONFIG_I',
  'Out of memory: Killed process (?<pid>\\d+)',
  '\\d+\\.\\d+\\.\\d+\\.\\d+',
  '(?<a>\\S+) (?<b>\\S+) (?<c>\\S+) (?<d>\\S+)',
  '(?<key>\\w+)=(?<value>\\S+)',
  '[^=\\s]+=\\S+ x',
  'user=(?<user>[^ ]*) rhost=(?<rhost>[^ ]*)',
  '^(?:\\S+ ){3}(?<rest>.*)$',
  // One repetition after the search from every position, or two that share characters behind a ^.
  '.*x',
  '\\s*$',
  '(?=.*x)\\w+y',
  '^.*a.*b',
  '^a*a*b',
  '^\\w+\\d+z',
  '^(?:.*a){2}',
  // Repeated groups with nothing ambiguous in them.
  '^Invalid user (?<user>.*) from (?<ip>\\S+)$',
  '(?:\\s|,)+',
  '(?:[a-f]|[g-z])*',
  '^(?:\\d{1,3}\\.){3}\\d{1,3}$',
  '(?:[0-9a-f]{1,4}:){1,7}[0-9a-f]{1,4}',
  '(?:[0-9a-f]{2}[:-]?){6}',
  '(?:\\d{1,3}\\.)+\\d{1,3}',
  '(?:-?\\d)+',
  '(?:ab?)+',
  '(a?)+',
  'a{2,}b*c+',
  '[^\\]]+(?:a|b)*',
  '(?:(?:a|b)|c)+',
  'x(?:ab|cd)?y',
  '\\((?:[^()\\\\]|\\\\.)*\\)',
];

const PRESET_PATTERNS = Object.values(PRESETS).flatMap((p) => p.match.message);

/** Lines meant to make a backtracking pattern work hard: long runs of what repetitions match, and no match. */
function adversarialLines(): string[] {
  const fill = (unit: string, end = '') => unit.repeat(Math.ceil(MAX_MATCH_CHARS / unit.length)).slice(0, MAX_MATCH_CHARS - end.length) + end;
  return [
    fill('a'),
    fill(' '),
    fill('a', '!'),
    fill('a', '\n!'),
    fill(' ', '!'),
    fill('1', '!'),
    fill('ab', '!'),
    fill('a='),
    fill('1.'),
    fill('from '),
    fill('Invalid user from '),
    fill('Invalid user x from 10.0.0.1 port 22 ', '\n'),
    'Failed password for ' + fill('x from 10.0.0.1 port 22 ssh2: ').slice(20),
    'pam_unix(sshd:auth): authentication failure; ' + fill(' rhost=1.2.3.4 user=x').slice(45),
  ];
}

describe('analyzeRegex', () => {
  it.each([
    ['(a+)+', /nested repetition/],
    ['(.*)*', /nested repetition/],
    ['^(\\w+\\s?)*$', /nested repetition/],
    ['(?:x{1,100})+', /nested repetition/],
    ['((?:ab)+c)*', /nested repetition/],
    ['(?=(a+)+)', /nested repetition/],
    ['(x|x)*', /ambiguous repeated alternation/],
    ['(a|ab)*', /ambiguous repeated alternation/],
    ['(\\d|[0-9a-f])+', /ambiguous repeated alternation/],
    ['(?:a|b|)+', /ambiguous repeated alternation/],
    ['(?:a?|b)+', /ambiguous repeated alternation/],
    ['(?:.|x){2,}', /ambiguous repeated alternation/],
    ['(?:a|aa){1,16}', /ambiguous repeated alternation/],
    ['(a)\\1', /backreferences/],
    ['(?<u>\\w+) \\k<u>', /backreferences/],
  ])('refuses %s', (source, message) => {
    expect(problems(source)).toMatch(message);
  });

  it.each([
    // Each takes minutes (or more) on one adversarial 4096-character line.
    'a*a*a*a*a*b',
    '(.*)(.*)(.*)x',
    '.*.*.*.*x',
    '\\s*\\s*\\s*\\s*$',
    '\\w+\\d+\\w+\\d+z',
    '.*a.*b.*c.*d',
    // Two chained repetitions, tried from every position: cubic (`.*a.*b` takes 16 s on 4096 "a").
    '.*a.*b',
    '.*.*x',
    'a*a*b',
    '\\s*\\s*$',
    '\\w+\\d+z',
    '.*.*$',
    '(?:\\w+\\d+)?b',
    '\\S+=\\S+ x',
    'Invalid user (?<user>.*) from (?<ip>.*)$',
    'user=.*\\s*$',
    '(?:\\w+\\s?){2}x',
    '\\w+(?=.*x)!',
    '\\S*(?=x*)y', // a lookahead's success does not end the match: it runs again after every step back
    // Three chained repetitions even behind a ^, counting copies of a bounded group.
    '^.*a.*b.*c',
    '^a*a*a*b',
    '^\\d+\\w*\\d+x',
    '^(?:.*a){3}',
    '(?:.*a){16}',
    '^\\w+(?:\\d+|x)\\w+!',
  ])('refuses the polynomial %s', (source) => {
    expect(problems(source)).toMatch(/^polynomial backtracking: .+ can match the same characters one after the other/);
  });

  it.each([
    '(?:\\d{1,3})+',
    '(?:a?a?)+',
    '(?:a?b?)+',
    '(?:x?\\d?)+',
    '(?:\\w{1,16}){1,16}x',
    '(?:(?:a|aa))+',
    '(?:\\d\\d?){2,}',
    '(a{2,3})+',
  ])('refuses the exponential %s', (source) => {
    expect(problems(source)).toMatch(/^ambiguous repetition in .+: inside a repeated group an optional or variable-length part/);
  });

  it('says which repetitions chain and how to fix it', () => {
    expect(problems('\\w+\\d+z')).toMatch(/: \\w\+ and \\d\+ can match .*an unanchored pattern is tried at every position; put a character only one of them can match between them \(e\.g\. \\S\+ \\S\+ or \[\^=\\s\]\+=\\S\+\), or anchor the pattern with \^$/);
    expect(problems('^.*a.*b.*c')).toMatch(/: \.\*, \.\* and \.\* can match the same characters .* at least cubic time/);
    expect(problems('(?:\\d{1,3})+')).toMatch(/^ambiguous repetition in \(\?:\\d\{1,3\}\)\+: .* as in \(\?:\\d\{1,3\}\\\.\)\+$/);
    expect(analyzeRegex('a*a*a*a*a*b').problems).toHaveLength(1); // one sentence for the whole chain
  });

  it('a chain after which nothing can fail costs nothing: the match is over when it is reached', () => {
    for (const s of ['\\w+\\d+', '.*.*', 'a*a*a*', '(?:\\w+\\d+)?', '\\s*\\s*(?:y|)', 'a*a*|b']) expect(problems(s), s).toBe('');
    for (const s of ['\\w+\\d+z', '.*.*$', 'a*a*a*\\b', '(?:\\w+\\d+)?b', '\\s*\\s*(?:y|\\b)', 'a*a*(?=b)']) expect(problems(s), s).toMatch(/polynomial/);
  });

  it('a separator only one side can match breaks the chain; one both can match does not', () => {
    expect(problems('\\S+ \\S+ x')).toBe('');
    expect(problems('\\S+=\\S+ x')).toMatch(/polynomial/);
    expect(problems('[^=]+=.* x')).toBe('');
    expect(problems('.*=.* x')).toMatch(/polynomial/);
    expect(problems('\\d+\\.\\d+ x')).toBe('');
    expect(problems('\\w+\\.\\w+ x')).toBe('');
    expect(problems('[\\w.]+\\.\\w+ x')).toBe(''); // "." is not a word character
    expect(problems('\\w+_\\w+ x')).toMatch(/polynomial/); // "_" is
  });

  it('refuses patterns too deeply nested to check, and checks them quickly', () => {
    const nest = (depth: number, body: string) => '(?:'.repeat(depth) + body + '){3}'.repeat(depth);
    const t = performance.now();
    expect(problems(nest(30, '\\d+\\.'))).toMatch(/^too complex to check for backtracking/);
    expect(problems(nest(30, 'a'))).toBe(''); // no open-ended repetition inside: nothing to unroll
    expect(problems(nest(2, '\\d+\\.'))).toBe('');
    // A watchdog, not a speed target: the checker's unrolling is bounded, and an unbounded one takes minutes here.
    expect(performance.now() - t).toBeLessThan(10_000);
  });

  it.each(SAFE)('accepts %s', (source) => {
    expect(problems(source)).toBe('');
  });

  it('case-insensitive patterns: alternatives and repetitions that differ only in case overlap', () => {
    expect(problems('(?:A|a)+')).toBe('');
    expect(problems('(?:A|a)+', true)).toMatch(/ambiguous/);
    expect(problems('[A-Z]+[a-z]+!')).toBe('');
    expect(problems('[A-Z]+[a-z]+!', true)).toMatch(/polynomial/);
  });

  it('with the u flag: property escapes, \\u{…} and astral characters', () => {
    const u = (s: string) => analyzeRegex(s, false, true).problems.join('\n');
    expect(u('\\p{L}+\\p{L}+!')).toMatch(/polynomial/);
    expect(u('^\\p{L}+ \\P{L}+$')).toBe('');
    expect(u('😀+😀+!')).toMatch(/polynomial/);
    expect(u('[\\u{1F600}-\\u{1F64F}]+[^a]+!')).toMatch(/polynomial/); // [^a] matches astral characters too
    expect(u('[\\u{1F600}-\\u{1F64F}]+x')).toBe('');
    expect(u('\\u{61}+\\u{61}+!')).toMatch(/polynomial/);
  });

  it('lists the named groups in order and says whether the pattern can match nothing', () => {
    expect(analyzeRegex('(?<user>\\S+) from (?<ip>\\S+)(?<=x)(?:y)').groupNames).toEqual(['user', 'ip']);
    expect(analyzeRegex('a*').matchesEmpty).toBe(true);
    expect(analyzeRegex('\\bfoo|^').matchesEmpty).toBe(true);
    expect(analyzeRegex('foo|ba?r').matchesEmpty).toBe(false);
  });

  it('parses classes, escapes and Annex B forms without tripping', () => {
    for (const s of ['[\\d-z]+', '\\x41\\u0042\\cA\\0[\\b]', 'a{,3}', 'a{', ']', '[]', '[^]*', '\\k', '(?:)', '[a-]', '\\u{2}', 'x{0}']) {
      expect(() => new RegExp(s)).not.toThrow();
      expect(() => analyzeRegex(s)).not.toThrow();
    }
    for (const s of ['\\u{1F600}', '[\\p{L}\\d]+', '[^\\P{L}]', '😀', '[😀-😎]']) {
      expect(() => new RegExp(s, 'u')).not.toThrow();
      expect(() => analyzeRegex(s, false, true)).not.toThrow();
    }
  });

  it('every preset pattern is safe', () => {
    for (const source of PRESET_PATTERNS) {
      expect(analyzeRegex(source).problems).toEqual([]);
      expect(analyzeRegex(source, true).problems).toEqual([]); // a rule may set match.ignoreCase over a preset
    }
  });

  it('a refused pattern really is slow, an accepted rewrite is not', () => {
    const evil = 'a'.repeat(22) + '!'; // ~4M backtracking steps against a handful
    let t = performance.now();
    /^(a+)+$/.test(evil);
    const slow = performance.now() - t;
    t = performance.now();
    /^a+$/.test(evil);
    expect(performance.now() - t).toBeLessThan(slow);
  });

  // The property the check exists for. Only patterns the check accepts are ever run here: running a refused one
  // on these lines would hang the suite.
  describe('every accepted pattern finishes quickly on adversarial lines', () => {
    const lines = adversarialLines();
    it.each([...SAFE, ...PRESET_PATTERNS])('%s', (source) => {
      for (const ignoreCase of [false, true]) {
        expect(analyzeRegex(source, ignoreCase).problems).toEqual([]); // never run what the check refuses
        const re = new RegExp(source, ignoreCase ? 'i' : '');
        for (const line of lines) {
          expect(line.length).toBeLessThanOrEqual(MAX_MATCH_CHARS);
          const t = performance.now();
          re.test(line);
          const ms = performance.now() - t;
          // A hang watchdog, not a speed target: on 4096-character lines a quadratic pattern (the most the check
          // allows) takes about 20 ms and a cubic one over a minute, so 2 s separates them even on a loaded CI box.
          expect(ms, `${JSON.stringify(line.slice(0, 24))}… (${line.length} chars)`).toBeLessThan(2000);
        }
      }
    });
  });
});
