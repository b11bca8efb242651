/** The shapes of incidents.json and mutes.json (version 1), checked with zod when loaded. */
import { z } from 'zod';
import { muteProblems } from './mute-store.js';
import type { IncidentRecord } from './incident-record.js';
import { TRIAGE_SEVERITIES, type Incident, type Mute } from './types.js';

export const STATE_VERSION = 1;

const Ms = z.number().finite();
const StringMap = z.record(z.string(), z.string());

/** An Incident snapshot (what notifiers get; the Slack and webhook outboxes persist these). */
export const IncidentSchema = z.object({
  id: z.string().min(1),
  fingerprint: z.string().min(1),
  rule: z.string().min(1),
  ruleType: z.enum(['threshold', 'keyword', 'baseline']),
  key: StringMap,
  state: z.enum(['open', 'resolved']),
  count: z.number().int().nonnegative(),
  threshold: z.number().nonnegative(),
  windowMs: Ms.nonnegative(),
  resolveAfterMs: Ms.nonnegative(),
  firstSeen: Ms,
  lastSeen: Ms,
  resolvedAt: Ms.nullable(),
  distinct: z.record(z.string(), z.array(z.string())),
  samples: z.array(z.string()),
  ackedBy: z.string().nullable(),
  ackedAt: Ms.nullable(),
  channel: z.string().nullable(),
  refs: z.record(z.string(), StringMap),
  /** Optional: files written before triage existed have none. */
  triage: z
    .object({ summary: z.string(), severity: z.enum(TRIAGE_SEVERITIES), model: z.string(), at: Ms })
    .optional(),
}) satisfies z.ZodType<Incident>;

const IncidentRecordSchema = IncidentSchema.extend({
  notified: z.boolean(),
  suppressed: z.boolean(),
  lastNotifiedAt: Ms,
  pending: z.boolean(),
}) satisfies z.ZodType<IncidentRecord>;

export interface IncidentsDocument {
  readonly version: typeof STATE_VERSION;
  readonly savedAt: number;
  readonly incidents: IncidentRecord[];
}

export const IncidentsDocumentSchema: z.ZodType<IncidentsDocument> = z
  .object({ version: z.literal(STATE_VERSION), savedAt: Ms, incidents: z.array(IncidentRecordSchema) })
  .superRefine((doc, ctx) => {
    const ids = new Set<string>();
    doc.incidents.forEach((r, i) => {
      if (ids.has(r.id)) ctx.addIssue({ code: 'custom', path: ['incidents', i, 'id'], message: `duplicate incident id ${r.id}` });
      ids.add(r.id);
      if ((r.state === 'resolved') !== (r.resolvedAt !== null)) {
        ctx.addIssue({ code: 'custom', path: ['incidents', i, 'resolvedAt'], message: 'must be set exactly when the incident is resolved' });
      }
    });
  });

const MuteSchema = z.object({
  id: z.string().min(1),
  matchers: z.array(z.object({ name: z.string().min(1), value: z.string(), isRegex: z.boolean() })),
  startsAt: Ms,
  endsAt: Ms,
  createdBy: z.string(),
  comment: z.string(),
  createdAt: Ms,
}) satisfies z.ZodType<Mute>;

export interface MutesDocument {
  readonly version: typeof STATE_VERSION;
  readonly savedAt: number;
  readonly mutes: Mute[];
}

/**
 * Persisted mutes must still be valid mutes (a tampered regex is not run). Matcher names are not checked
 * against the current rules: a mute outlives a config change that drops its field (the field then reads as '').
 */
export const MutesDocumentSchema: z.ZodType<MutesDocument> = z
  .object({ version: z.literal(STATE_VERSION), savedAt: Ms, mutes: z.array(MuteSchema) })
  .superRefine((doc, ctx) => {
    const ids = new Set<string>();
    doc.mutes.forEach((m, i) => {
      if (ids.has(m.id)) ctx.addIssue({ code: 'custom', path: ['mutes', i, 'id'], message: `duplicate mute id ${m.id}` });
      ids.add(m.id);
      for (const p of muteProblems(m, () => true, true)) ctx.addIssue({ code: 'custom', path: ['mutes', i], message: p });
    });
  });
