/**
 * The notify decisions, as reasons (Alertmanager's needsUpdate → NotifyReason), kept pure so the rules are
 * in one place:
 * - open: `fired`, or `suppressed` when an active mute matches (the notifiers get the `suppressed` event once).
 * - a due update (matches arrived and updateIntervalMs passed since the last decision):
 *   muted now → withheld ('muted'); acknowledged → withheld ('acked'); never notified (it opened muted and the
 *   mute has ended) → `fired`; otherwise `updated`.
 * - resolve: `resolved` when a `fired` went out (even if acknowledged or muted since, so no message is left
 *   saying "firing"); an incident that stayed muted all along resolves without an event.
 */
import { toIncident, type IncidentRecord } from './incident-record.js';
import type { IncidentEvent, IncidentEventType } from './types.js';

export type OpenDecision = 'fired' | 'suppressed';
export type UpdateDecision = 'fired' | 'updated' | 'muted' | 'acked';
export type ResolveDecision = 'resolved' | 'silent';

export const decideOpen = (muted: boolean): OpenDecision => (muted ? 'suppressed' : 'fired');

export function decideUpdate(r: IncidentRecord, muted: boolean): UpdateDecision {
  if (muted) return 'muted';
  if (r.ackedBy !== null) return 'acked';
  return r.notified ? 'updated' : 'fired';
}

export const decideResolve = (r: IncidentRecord): ResolveDecision => (r.notified ? 'resolved' : 'silent');

/** When the next decision for an open incident is due: its resolve, or its coalesced update if one is pending. */
export function nextDecisionAt(r: IncidentRecord, updateIntervalMs: number): number {
  const resolveAt = r.lastSeen + r.resolveAfterMs;
  return r.pending ? Math.min(resolveAt, r.lastNotifiedAt + updateIntervalMs) : resolveAt;
}

/** An event carrying a frozen snapshot of the incident as it is now. */
export function incidentEvent(event: IncidentEventType, record: IncidentRecord, at: number): IncidentEvent {
  return Object.freeze({ event, incident: toIncident(record), at });
}
