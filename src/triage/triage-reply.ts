/**
 * The model's answer, checked with zod. Models wrap JSON in code fences or add a sentence around it, so the
 * first `{` to the last `}` is parsed; anything that is not an object with a non-empty `summary` and a
 * `severity` of low, medium, high or critical (any case) is malformed and ignored.
 */
import { z } from 'zod';
import { TRIAGE_SEVERITIES, type TriageSeverity } from '../alert/types.js';

/** Longer summaries are cut (asked for one or two sentences). */
export const MAX_SUMMARY_CHARS = 500;

const ReplySchema = z.object({
  summary: z.string().trim().min(1),
  severity: z.string().trim().toLowerCase().pipe(z.enum(TRIAGE_SEVERITIES)),
});

export interface TriageReply {
  readonly summary: string;
  readonly severity: TriageSeverity;
}

/** The summary (whitespace collapsed, cut to MAX_SUMMARY_CHARS) and severity, or null when the reply is malformed. */
export function parseTriageReply(content: string): TriageReply | null {
  const start = content.indexOf('{');
  const end = content.lastIndexOf('}');
  if (start === -1 || end < start) return null;
  let value: unknown;
  try {
    value = JSON.parse(content.slice(start, end + 1));
  } catch {
    return null;
  }
  const reply = ReplySchema.safeParse(value);
  if (!reply.success) return null;
  const summary = reply.data.summary.replace(/\s+/g, ' ');
  return { summary: summary.length <= MAX_SUMMARY_CHARS ? summary : `${summary.slice(0, MAX_SUMMARY_CHARS - 1)}…`, severity: reply.data.severity };
}
