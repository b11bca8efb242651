import { describe, expect, it } from 'vitest';
import { PRESETS } from '../../src/detect/presets.js';
import { analyzeRegex } from '../../src/detect/regex-safety.js';

const problems = (source: string, ignoreCase = false) => analyzeRegex(source, ignoreCase).problems.join('\n');

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
    ['(a)\\1', /backreferences/],
    ['(?<u>\\w+) \\k<u>', /backreferences/],
  ])('refuses %s', (source, message) => {
    expect(problems(source)).toMatch(message);
  });

  it.each([
    '^Invalid user (?<user>.*) from (?<ip>\\S+)$',
    '(?:foo|bar)+',
    '(?:\\s|,)+',
    '(?:[a-f]|[g-z])*',
    '^(?:\\d{1,3}\\.){3}\\d{1,3}$',
    '(?:[0-9a-f]{1,4}:){1,7}[0-9a-f]{1,4}',
    'a{2,}b*c+',
    '.*a.*b',
    '[^\\]]+(?:a|b)*',
    '(?:(?:a|b)|c)+',
    'x(?:ab|cd)?y',
    '\\((?:[^()\\\\]|\\\\.)*\\)',
  ])('accepts %s', (source) => {
    expect(problems(source)).toBe('');
  });

  it('case-insensitive patterns: alternatives that differ only in case are ambiguous', () => {
    expect(problems('(?:A|a)+')).toBe('');
    expect(problems('(?:A|a)+', true)).toMatch(/ambiguous/);
  });

  it('lists the named groups in order and says whether the pattern can match nothing', () => {
    expect(analyzeRegex('(?<user>\\S+) from (?<ip>\\S+)(?<=x)(?:y)').groupNames).toEqual(['user', 'ip']);
    expect(analyzeRegex('a*').matchesEmpty).toBe(true);
    expect(analyzeRegex('\\bfoo|^').matchesEmpty).toBe(true);
    expect(analyzeRegex('foo|ba?r').matchesEmpty).toBe(false);
  });

  it('parses classes, escapes and Annex B forms without tripping', () => {
    for (const s of ['[\\d-z]+', '\\x41\\u0042\\cA\\0[\\b]', 'a{,3}', 'a{', ']', '[]', '[^]*', '\\k', '(?:)', '[a-]']) {
      expect(() => new RegExp(s)).not.toThrow();
      expect(() => analyzeRegex(s)).not.toThrow();
    }
  });

  it('every preset pattern is safe', () => {
    for (const preset of Object.values(PRESETS)) {
      for (const source of preset.match.message) {
        expect(analyzeRegex(source).problems).toEqual([]);
        expect(analyzeRegex(source, true).problems).toEqual([]); // a rule may set match.ignoreCase over a preset
      }
    }
  });

  it('a refused pattern really is slow, an accepted rewrite is not', () => {
    const evil = 'a'.repeat(20) + '!';
    let t = performance.now();
    /^(a+)+$/.test(evil);
    const slow = performance.now() - t;
    t = performance.now();
    /^a+$/.test(evil);
    expect(performance.now() - t).toBeLessThan(slow);
  });
});
