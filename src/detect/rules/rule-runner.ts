/** What the detector drives per compiled rule, and the parts of a Signal every rule type fills the same way. */
import type { CompiledRule } from '../../config/rules-schema.js';
import type { ReceivedMessage } from '../../pipeline/types.js';
import type { Captures } from '../match.js';
import type { RuleStats } from '../types.js';

export interface RuleRunner {
  readonly rule: CompiledRule;
  /**
   * Runs the rule on one message received (or, in replay, stamped) at `at`; emits a Signal on a match.
   * `text` is matchText(message), which the detector computes once for all its rules.
   */
  process(message: ReceivedMessage, at: number, text?: string): void;
  /** Drops keys idle past their expiry at `now`. */
  purgeStale(now: number): void;
  stats(): RuleStats;
}

/** Samples carry at most this many bytes of the raw line. */
export const MAX_SAMPLE_BYTES = 1024;

/** The raw line, decoded, cut to MAX_SAMPLE_BYTES. */
export function sampleOf(m: ReceivedMessage): string {
  const bytes = m.frame.bytes;
  return bytes.toString('utf8', 0, Math.min(bytes.length, MAX_SAMPLE_BYTES));
}

/**
 * The Signal's fields: the named captures that took part in the match (`names` = the rule's capture names, so
 * no for-in over the regex's dictionary-mode groups object), then host, sourceIp and appname, which win.
 */
export function fieldsOf(m: ReceivedMessage, names: readonly string[], captures: Captures): Record<string, string> {
  const fields: Record<string, string> = {};
  for (let i = 0; i < names.length; i++) {
    const v = captures[names[i]!];
    if (v !== undefined) fields[names[i]!] = v;
  }
  fields.host = m.host;
  fields.sourceIp = m.frame.remoteAddress;
  if (m.syslog.appname !== null) fields.appname = m.syslog.appname;
  return fields;
}
