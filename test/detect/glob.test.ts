import { describe, expect, it } from 'vitest';
import { globMatch } from '../../src/detect/glob.js';

describe('globMatch', () => {
  it.each([
    ['web*', 'web01', true],
    ['web*', 'WEB01.example.net', true],
    ['web*', 'db01', false],
    ['*.example.net', 'a.example.net', true],
    ['*.example.net', 'example.net', false],
    ['r?', 'r1', true],
    ['r?', 'r12', false],
    ['*', '', true],
    ['', '', true],
    ['', 'x', false],
    ['a*b*c', 'aXXbYYc', true],
    ['a*b*c', 'aXXbYY', false],
    ['*a*a*a*a*b', 'a'.repeat(200), false],
    ['10.0.*', '10.0.3.4', true],
    ['fw-*-edge', 'fw-paris-edge', true],
  ])('%s ~ %s → %s', (pattern, text, expected) => {
    expect(globMatch(pattern, text)).toBe(expected);
  });
});
