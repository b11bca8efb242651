/**
 * LLM triage metrics (registered only with `triage` configured): calls by outcome, how long the calls took,
 * and cached answers evicted by the cache's size cap.
 * The outcome label is a fixed set (TRIAGE_OUTCOMES); each starts at 0 so a dashboard sees it before it happens.
 */
import { Counter, Histogram, type Registry } from 'prom-client';
import { TRIAGE_OUTCOMES, type TriageObserver } from '../triage/triage-service.js';

export function registerTriageMetrics(registry: Registry): TriageObserver {
  const requests = new Counter({
    name: 'syslog_triage_requests_total',
    help: 'Fired incidents handed to LLM triage, by outcome: ok, error (network or HTTP error), timeout, rate_limited (429), malformed (no valid JSON answer), skipped_budget (maxCallsPerHour used up), skipped_busy (maxConcurrent calls in flight), cached (an earlier answer for the same fingerprint, no call).',
    labelNames: ['outcome'],
    registers: [registry],
  });
  for (const outcome of TRIAGE_OUTCOMES) requests.inc({ outcome }, 0);
  const duration = new Histogram({
    name: 'syslog_triage_duration_seconds',
    help: 'Duration of calls to the LLM endpoint, whatever their outcome (calls aborted at stop are not observed).',
    buckets: [0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120],
    registers: [registry],
  });
  const evictions = new Counter({
    name: 'syslog_triage_cache_evictions_total',
    help: 'Cached triage answers dropped before their cacheTtl because triage.cacheSize was reached (a later incident on that fingerprint makes a new call).',
    registers: [registry],
  });
  return {
    outcome: (outcome) => requests.inc({ outcome }),
    duration: (seconds) => duration.observe(seconds),
    cacheEviction: () => evictions.inc(),
  };
}
