import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { compileMatcher, matcherProblems, matchesAll, regexHazard } from '../../src/alert/mute-matcher.js';

describe('regexHazard', () => {
  it.each(['web\\d+', 'web0[1-9]', '(web|db)0\\d', '192\\.0\\.2\\..*', '(ab)+', '(a{2})+', '(a?)+', '[(+]+', '\\(a+\\)+', 'x{1,1}', 'web\\d+-\\d+', '.*-prod'])('accepts %s', (re) => {
    expect(regexHazard(re)).toBeNull();
  });

  it.each(['(a+)+', '(\\w*)*', '(a{2,})+', '((ab)*c)+', '(?:x+y)*', '(a|ab)*', '(x+)?z+(y+){2,3}', '(a+)+?', '(a+){3}', '(a{2,3})+', 'a*a*a*', '.*-.*-.+'])('rejects %s', (re) => {
    expect(regexHazard(re)).not.toBeNull();
  });

  it('rejects backreferences', () => {
    expect(regexHazard('(a)\\1')).toMatch(/backreference/);
    expect(regexHazard('(?<n>a)\\k<n>')).toMatch(/backreference/);
  });
});

describe('mute matchers', () => {
  const known = (n: string) => n === 'host';

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
