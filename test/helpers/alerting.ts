/** The alert manager's `alerting` settings most tests use (a 1-minute update interval, small caps), with overrides. */
import type { Config } from '../../src/config/types.js';

export function testAlerting(overrides: Partial<Config['alerting']> = {}): Config['alerting'] {
  return {
    updateIntervalMs: 60_000,
    maxOpenIncidents: 100,
    resolvedRetentionMs: 86_400_000,
    maxMutes: 10,
    muteRetentionMs: 3_600_000,
    gcSchedule: '*/10 * * * *',
    ...overrides,
  };
}
