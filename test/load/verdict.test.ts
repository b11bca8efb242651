import { describe, expect, it } from 'vitest';
import { Checks, failedResult, resultLine, scenarioResult, verdict } from '../../src/load/verdict.js';

const pass = (name: string) => {
  const checks = new Checks();
  checks.that(true, 'fine');
  return scenarioResult(name, { n: 1 }, 'n 1', checks, 10);
};

describe('Checks and scenarioResult', () => {
  it('a failed check fails the scenario and keeps its figures; the other checks still count', () => {
    const checks = new Checks();
    expect(checks.that(3 === 3, 'three is three')).toBe(true);
    expect(checks.that(false, 'open 998 (want 1000)')).toBe(false);
    const r = scenarioResult('connections', { open: 998 }, '998/1000 open', checks, 5);
    expect(r.ok).toBe(false);
    expect(r.failures).toEqual(['open 998 (want 1000)']);
    expect(checks.passed).toEqual(['three is three']);
  });
});

describe('resultLine', () => {
  it('PASS name: figures', () => {
    expect(resultLine(pass('connections'))).toBe('PASS connections: n 1');
  });

  it('FAIL name: figures; failed: every reason, on one line', () => {
    const checks = new Checks();
    checks.fail('first\nsecond line');
    checks.fail('another');
    expect(resultLine(scenarioResult('kill9', {}, 'restored 3', checks, 1))).toBe('FAIL kill9: restored 3; failed: first second line; another');
    expect(resultLine(failedResult('sigterm', 'timed out after 60 s', 60_000))).toBe('FAIL sigterm: failed: timed out after 60 s');
  });
});

describe('verdict', () => {
  it('all passed: load: PASS (n/n scenarios)', () => {
    const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    expect(verdict(names.map(pass), names)).toEqual({ ok: true, line: 'load: PASS (7/7 scenarios)' });
  });

  it('one failed: load: FAIL, naming it', () => {
    const results = [pass('a'), failedResult('b', 'error: boom', 1), pass('c')];
    expect(verdict(results)).toEqual({ ok: false, line: 'load: FAIL (2/3 scenarios passed; failed: b)' });
  });

  it('a scenario that did not run is not a pass', () => {
    expect(verdict([pass('a')], ['a', 'b'])).toEqual({ ok: false, line: 'load: FAIL (1/2 scenarios passed; not run: b)' });
  });

  it('nothing ran: FAIL', () => {
    expect(verdict([], [])).toEqual({ ok: false, line: 'load: FAIL (0/0 scenarios passed; no scenario ran)' });
  });
});
