/**
 * The mutable record behind an Incident: the Incident fields plus the delivery bookkeeping the manager needs
 * (and persists) to decide what to send. Only the manager and the store touch it; everything else gets a
 * frozen `Incident` snapshot from `toIncident`.
 */
import type { Signal } from '../detect/types.js';
import type { Incident, IncidentState, IncidentTriage } from './types.js';

/** At most this many distinct values are kept per field (the first ones seen). */
export const MAX_DISTINCT_VALUES = 20;
/** At most this many fields get a distinct list (a rule with more captures keeps the first ones). */
export const MAX_DISTINCT_FIELDS = 16;
/** Longer field values are cut to this many characters before they are stored. */
export const MAX_VALUE_CHARS = 256;
/** Samples: the first FIRST_SAMPLES lines of the incident, then the latest ones, MAX_SAMPLES in all. */
export const MAX_SAMPLES = 5;
export const FIRST_SAMPLES = 2;
/** Fields never listed in `distinct`: the application name is constant per rule in practice. */
const UNLISTED_FIELDS = new Set(['appname']);

export interface IncidentRecord {
  id: string;
  fingerprint: string;
  rule: string;
  ruleType: Incident['ruleType'];
  key: Record<string, string>;
  state: IncidentState;
  count: number;
  threshold: number;
  windowMs: number;
  resolveAfterMs: number;
  firstSeen: number;
  lastSeen: number;
  resolvedAt: number | null;
  distinct: Record<string, string[]>;
  samples: string[];
  ackedBy: string | null;
  ackedAt: number | null;
  channel: string | null;
  refs: Record<string, Record<string, string>>;
  /** Set once by AlertManager.attachTriage; absent in records saved before triage existed. */
  triage?: IncidentTriage;
  /** A `fired` event went to the notifiers (so `resolved` will too). False while an incident stays muted. */
  notified: boolean;
  /** Opened while muted (a `suppressed` event was emitted instead of `fired`). */
  suppressed: boolean;
  /** When the last fired/updated/suppressed decision was made: the start of the current update interval. */
  lastNotifiedAt: number;
  /** Matches arrived since that decision: an update is due once the interval has passed. */
  pending: boolean;
}

/** A new open incident from the Signal that opened it; `count` starts at the window's count. */
export function createRecord(signal: Signal, id: string): IncidentRecord {
  const record: IncidentRecord = {
    id,
    fingerprint: signal.fingerprint,
    rule: signal.rule,
    ruleType: signal.ruleType,
    key: { ...signal.key },
    state: 'open',
    count: Math.max(1, signal.count),
    threshold: signal.threshold,
    windowMs: signal.windowMs,
    resolveAfterMs: signal.resolveAfterMs,
    firstSeen: Math.min(signal.firstAt, signal.at),
    lastSeen: signal.at,
    resolvedAt: null,
    distinct: {},
    samples: [],
    ackedBy: null,
    ackedAt: null,
    channel: signal.channel,
    refs: {},
    notified: false,
    suppressed: false,
    lastNotifiedAt: signal.at,
    pending: false,
  };
  collect(record, signal);
  return record;
}

/** Folds one more Signal for the same fingerprint into an open incident. */
export function mergeSignal(record: IncidentRecord, signal: Signal): void {
  record.count += 1;
  if (signal.at > record.lastSeen) record.lastSeen = signal.at;
  record.pending = true;
  collect(record, signal);
}

function collect(record: IncidentRecord, signal: Signal): void {
  addSample(record.samples, signal.sample);
  for (const [field, raw] of Object.entries(signal.fields)) {
    if (UNLISTED_FIELDS.has(field) || field in record.key || raw === '') continue;
    let values = record.distinct[field];
    if (values === undefined) {
      if (Object.keys(record.distinct).length >= MAX_DISTINCT_FIELDS) continue;
      values = record.distinct[field] = [];
    }
    if (values.length >= MAX_DISTINCT_VALUES) continue;
    const value = raw.length > MAX_VALUE_CHARS ? raw.slice(0, MAX_VALUE_CHARS) : raw;
    if (!values.includes(value)) values.push(value);
  }
}

/** Keeps the first FIRST_SAMPLES lines (how it started) and the latest ones (what it does now). */
export function addSample(samples: string[], sample: string): void {
  if (samples.length >= MAX_SAMPLES) samples.splice(FIRST_SAMPLES, 1);
  samples.push(sample);
}

/** A frozen copy that later changes to the record do not affect (events are snapshots). */
export function toIncident(r: IncidentRecord): Incident {
  const distinct: Record<string, readonly string[]> = {};
  for (const [field, values] of Object.entries(r.distinct)) distinct[field] = Object.freeze([...values]);
  return Object.freeze({
    id: r.id,
    fingerprint: r.fingerprint,
    rule: r.rule,
    ruleType: r.ruleType,
    key: Object.freeze({ ...r.key }),
    state: r.state,
    count: r.count,
    threshold: r.threshold,
    windowMs: r.windowMs,
    resolveAfterMs: r.resolveAfterMs,
    firstSeen: r.firstSeen,
    lastSeen: r.lastSeen,
    resolvedAt: r.resolvedAt,
    distinct: Object.freeze(distinct),
    samples: Object.freeze([...r.samples]),
    ackedBy: r.ackedBy,
    ackedAt: r.ackedAt,
    channel: r.channel,
    refs: frozenRefs(r.refs),
    ...(r.triage === undefined ? {} : { triage: Object.freeze({ ...r.triage }) }),
  });
}

/** A frozen copy of a record's notifier references. */
export function frozenRefs(refs: IncidentRecord['refs']): Incident['refs'] {
  const copy: Record<string, Readonly<Record<string, string>>> = {};
  for (const [name, ref] of Object.entries(refs)) copy[name] = Object.freeze({ ...ref });
  return Object.freeze(copy);
}
