/** The incident model (Alertmanager's, plus acknowledge) and the notifier interface. */
import type { GroupKey, RuleType } from '../detect/types.js';

export type IncidentState = 'open' | 'resolved';

export interface Incident {
  /** Unique per incident (a later burst on the same fingerprint opens a new incident with a new id). */
  readonly id: string;
  readonly fingerprint: string;
  readonly rule: string;
  readonly ruleType: RuleType;
  readonly key: GroupKey;
  readonly state: IncidentState;
  /** Matches since the incident opened (the firing window's matches included). */
  readonly count: number;
  readonly threshold: number;
  readonly windowMs: number;
  readonly resolveAfterMs: number;
  readonly firstSeen: number;
  readonly lastSeen: number;
  readonly resolvedAt: number | null;
  /** Distinct values seen per captured field (user, ip, ...), each capped. */
  readonly distinct: Readonly<Record<string, readonly string[]>>;
  /** Up to 5 raw sample lines. */
  readonly samples: readonly string[];
  readonly ackedBy: string | null;
  readonly ackedAt: number | null;
  /** Slack channel override from the rule, or null. */
  readonly channel: string | null;
  /** Per-notifier reference to the message shown for this incident (e.g. Slack { channel, ts }), persisted. */
  readonly refs: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** The LLM triage (src/triage/), once it has arrived; absent until then, when triage is off, and in older state files. */
  readonly triage?: IncidentTriage;
}

export const TRIAGE_SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type TriageSeverity = (typeof TRIAGE_SEVERITIES)[number];

/** A language model's reading of a fired incident: a guess to help a human, never a decision. */
export interface IncidentTriage {
  /** One or two sentences. */
  readonly summary: string;
  readonly severity: TriageSeverity;
  /** The model that answered (from the config). */
  readonly model: string;
  /** Epoch ms when the answer arrived (for a cached answer: when it first arrived). */
  readonly at: number;
}

/**
 * fired: opened; updated: more matches (coalesced); resolved: quiet for resolveAfter; suppressed: opened while
 * muted; triaged: the LLM triage of a fired incident arrived (it is on the incident).
 */
export type IncidentEventType = 'fired' | 'updated' | 'resolved' | 'suppressed' | 'triaged';

export interface IncidentEvent {
  readonly event: IncidentEventType;
  readonly incident: Readonly<Incident>;
  /** Epoch ms when the event was produced. */
  readonly at: number;
}

/** A notifier error says whether retrying can help (Alertmanager's retry flag). */
export class NotifyError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'NotifyError';
  }
}

export interface Notifier {
  readonly name: string;
  /** Delivers one event. May return a message reference to store on the incident under this notifier's name. */
  notify(event: IncidentEvent): Promise<Readonly<Record<string, string>> | void>;
}

export type MuteState = 'pending' | 'active' | 'expired';

export interface MuteMatcher {
  /** 'rule' or a group-key field name such as 'host', 'ip', 'user'. */
  readonly name: string;
  readonly value: string;
  /** true: value is a regular expression matched against the whole field. */
  readonly isRegex: boolean;
}

export interface Mute {
  readonly id: string;
  readonly matchers: readonly MuteMatcher[];
  readonly startsAt: number;
  readonly endsAt: number;
  readonly createdBy: string;
  readonly comment: string;
  readonly createdAt: number;
}

/** What a caller (Slack command, CLI) supplies to create a mute; the store fills id and createdAt. */
export interface MuteInput {
  readonly matchers: readonly MuteMatcher[];
  /** Epoch ms; defaults to now. */
  readonly startsAt?: number;
  readonly endsAt: number;
  readonly createdBy: string;
  readonly comment?: string;
}

/** Expected failures are values: an invalid mute lists every problem. */
export type MuteResult = { readonly ok: true; readonly mute: Mute } | { readonly ok: false; readonly problems: readonly string[] };

/** A mute with its state derived from the clock at the time of the listing. */
export interface MuteView {
  readonly mute: Mute;
  readonly state: MuteState;
}

export type AckResult =
  | { readonly ok: true; readonly incident: Incident }
  | { readonly ok: false; readonly reason: 'not_found' | 'resolved' };
