/**
 * HTTP API metrics (src/api/): requests by endpoint and answer status, and the entries they carried by outcome.
 * Labels are bounded: the endpoints and outcomes are fixed sets, the statuses are the few the API answers with.
 * Registered only when an API endpoint is on.
 */
import { Counter, type Registry } from 'prom-client';
import { API_ENDPOINTS, type ApiObserver } from '../api/routes.js';

export function registerApiMetrics(registry: Registry): ApiObserver {
  const requests = new Counter({
    name: 'syslog_api_requests_total',
    help: 'HTTP API requests to an enabled endpoint (logs, detect), by the status answered (202, 200, 400, 401, 405, 413, 415, ...).',
    labelNames: ['endpoint', 'status'],
    registers: [registry],
  });
  const entries = new Counter({
    name: 'syslog_api_entries_total',
    help: 'Lines or NDJSON entries in HTTP API requests that were used (accepted) or refused one by one (rejected), by endpoint.',
    labelNames: ['endpoint', 'outcome'],
    registers: [registry],
  });
  for (const endpoint of API_ENDPOINTS) for (const outcome of ['accepted', 'rejected']) entries.inc({ endpoint, outcome }, 0);
  return {
    request: (endpoint, status) => requests.inc({ endpoint, status: String(status) }),
    entries: (endpoint, outcome, count) => entries.inc({ endpoint, outcome }, count),
  };
}
