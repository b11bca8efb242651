import { ConfigError } from '../../src/errors.js';

/** The problems of the ConfigError `fn` throws; fails the test when it throws something else or nothing. */
export function configProblems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return [...err.problems];
    throw err;
  }
  throw new Error('expected a ConfigError');
}
