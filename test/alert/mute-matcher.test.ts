import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { compileMatcher, matcherProblems, matchesAll, MAX_REGEX_SUBJECT_CHARS } from '../../src/alert/mute-matcher.js';

const known = (n: string) => n === 'host';
const regexProblems = (value: string) => matcherProblems({ name: 'host', value, isRegex: true }, 0, known);

/** Matchers the check accepts; each is also run against adversarial values below. */
const SAFE = [
  'web\\d+', 'web0[1-9]', '(web|db)0\\d', '192\\.0\\.2\\..*', '(ab)+', '(a{2})+', '(a?)+', '[(+]+', '\\(a+\\)+', 'x{1,1}',
  'web\\d+-\\d+', '.*-prod', '.*.*x', '.*-.*', '\\p{L}+-\\d+', '[\\u{1F600}-\\u{1F64F}]+x', '(?:\\d{1,3}\\.){3}\\d{1,3}', 'sshd-.*',
];

describe('regex matcher safety: the rule policy (analyzeRegex), on the anchored expression that runs', () => {
  it.each(SAFE)('accepts %s', (re) => {
    expect(regexProblems(re)).toEqual([]);
  });

  it.each([
    ['(a+)+', /nested repetition/],
    ['(\\w*)*', /nested repetition/],
    ['(a{2,})+', /nested repetition/],
    ['((ab)*c)+', /nested repetition/],
    ['(?:x+y)*', /nested repetition/],
    ['(a+)+?', /nested repetition/],
    ['(a|ab)*', /ambiguous repeated alternation/],
    ['(a{2,3})+', /ambiguous repetition/],
    ['(?:a?b?)+', /ambiguous repetition/],
    ['(x+)?z+(y+){2,3}', /polynomial backtracking: y\+, y\+ and y\+ can match/],
    ['(a+){3}', /polynomial backtracking/],
    ['a*a*a*', /polynomial backtracking: a\*, a\* and a\* can match/],
    ['.*-.*-.+', /polynomial backtracking/],
    ['\\p{L}+\\p{L}+\\p{L}+', /polynomial backtracking/],
    ['(a)\\1', /backreferences/],
    ['(?<n>a)\\k<n>', /backreferences/],
  ])('rejects %s', (re, message) => {
    const problems = regexProblems(re);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^matchers\[0\]\.value: unsafe pattern: /);
    expect(problems[0]).toMatch(message);
  });

  it('rejects a value that is not a regex on its own, so it cannot undo the anchoring', () => {
    expect(new RegExp('^(?:a)|(b)$', 'u').test('xxb')).toBe(true); // what `a)|(b` would run as
    expect(regexProblems('a)|(b')).toEqual([expect.stringMatching(/^matchers\[0\]\.value: invalid regular expression/)]);
  });

  // Only accepted matchers are run here: a rejected one could hang the suite on these values.
  it.each(SAFE)('%s finishes quickly on adversarial values', (re) => {
    expect(regexProblems(re)).toEqual([]);
    const m = compileMatcher({ name: 'host', value: re, isRegex: true });
    const fill = (unit: string, end: string) => unit.repeat(MAX_REGEX_SUBJECT_CHARS).slice(0, MAX_REGEX_SUBJECT_CHARS - end.length) + end;
    for (const value of [fill('a', ''), fill('a', '!'), fill('-', '!'), fill('a-', '!'), fill('1.', '!'), fill('ab', '!'), fill(' ', '!'), fill('web1-', '!')]) {
      const t = performance.now();
      m.test(value);
      expect(performance.now() - t, value.slice(0, 12)).toBeLessThan(200);
    }
  });
});

describe('mute matchers', () => {
  it('anchors a regex to the whole value', () => {
    const m = compileMatcher({ name: 'host', value: 'web\\d', isRegex: true });
    expect(m.test('web1')).toBe(true);
    expect(m.test('web12')).toBe(false);
    expect(m.test('xweb1')).toBe(false);
  });

  it('stays fast on the worst subject an accepted pattern can meet, and never tests overlong values', () => {
    const m = compileMatcher({ name: 'host', value: '.*.*x', isRegex: true });
    const t0 = performance.now();
    expect(m.test('a'.repeat(1024))).toBe(false);
    expect(performance.now() - t0).toBeLessThan(200);
    expect(compileMatcher({ name: 'host', value: '.*', isRegex: true }).test('a'.repeat(1025))).toBe(false);
  });

  it('anchors an alternation as a whole', () => {
    const m = compileMatcher({ name: 'host', value: 'a|b', isRegex: true });
    expect(['a', 'b', 'ab', 'xb'].map((v) => m.test(v))).toEqual([true, true, false, false]);
  });

  it('compares equality matchers exactly, and treats a field missing from the key as empty', () => {
    const matchers = [compileMatcher({ name: 'rule', value: 'r', isRegex: false }), compileMatcher({ name: 'user', value: '', isRegex: false })];
    expect(matchesAll(matchers, 'r', { host: 'h' })).toBe(true);
    expect(matchesAll(matchers, 'r2', { host: 'h' })).toBe(false);
    expect(matchesAll(matchers, 'r', { user: 'root' })).toBe(false);
  });

  it('reports unknown names, overlong values and invalid regexes', () => {
    expect(matcherProblems({ name: 'rule', value: 'x', isRegex: false }, 0, known)).toEqual([]);
    expect(matcherProblems({ name: 'user', value: 'x', isRegex: false }, 2, known)).toEqual([expect.stringMatching(/^matchers\[2\]\.name: unknown field "user"/)]);
    expect(matcherProblems({ name: 'host', value: 'x'.repeat(300), isRegex: false }, 0, known)[0]).toMatch(/longer than 256/);
    expect(matcherProblems({ name: 'host', value: '[a-', isRegex: true }, 0, known)[0]).toMatch(/invalid regular expression/);
  });
});
