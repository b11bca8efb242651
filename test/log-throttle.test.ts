import { describe, expect, it } from 'vitest';
import { LogThrottle } from '../src/log-throttle.js';

describe('LogThrottle', () => {
  it('logs the first event, then at most one line per interval with the count since the last line', () => {
    const t = new LogThrottle(1000);
    expect(t.hit(0)).toBe(1);
    expect(t.hit(10)).toBeNull();
    expect(t.hit(999)).toBeNull();
    expect(t.hit(1000)).toBe(3);
    expect(t.hit(1500)).toBeNull();
    expect(t.hit(5000)).toBe(2);
  });
});
