/**
 * An incident as one Slack message (Block Kit): what happened at a glance, the numbers, the distinct values,
 * up to five sample lines, who acknowledged or muted it, and the buttons. Every piece of text that came from
 * the network is escaped (mrkdwn, verbatim) or sent as plain_text; nothing here can mention or link.
 */
import type { types } from '@slack/bolt';
import type { Incident, IncidentTriage, Mute } from '../../alert/types.js';
import { formatDurationMs } from '../../config/units.js';
import { ACTION_ACK, ACTION_MUTE_1H, ACTION_MUTE_24H, ACTION_UNMUTE, ACTIONS_BLOCK_ID } from './action-ids.js';
import { escapeMrkdwn, plainText, printable, truncate } from './escape.js';

export interface SlackMessage {
  /** Notification and fallback text (mrkdwn, escaped). */
  readonly text: string;
  readonly blocks: types.KnownBlock[];
}

export type IncidentStatus = 'firing' | 'acknowledged' | 'muted' | 'resolved';

const STATUS_LABEL: Readonly<Record<IncidentStatus, string>> = {
  firing: '🚨 Firing',
  acknowledged: '👀 Acknowledged',
  muted: '🔇 Muted',
  resolved: '✅ Resolved',
};

const MAX_SAMPLE_CHARS = 400;
/** Slack allows 3000 characters in a section's text; stay below it. */
export const MAX_SECTION_CHARS = 2900;
const MAX_VALUES_SHOWN = 10;
/** Escaping can grow text fivefold (& → &amp;); this keeps the triage section under MAX_SECTION_CHARS. */
const MAX_TRIAGE_CHARS = 500;

export function incidentStatus(incident: Incident, mute: Mute | null): IncidentStatus {
  if (incident.state === 'resolved') return 'resolved';
  if (mute !== null) return 'muted';
  return incident.ackedBy !== null ? 'acknowledged' : 'firing';
}

/** `slack:U0123` → a mention (an ID Slack gave us, not log text); anything else is escaped text. */
export function actorText(by: string): string {
  const m = /^slack:([UW][A-Z0-9]{2,30})$/.exec(by);
  return m ? `<@${m[1]}>` : escapeMrkdwn(by);
}

/** Slack renders this in the reader's time zone; the fallback is UTC ISO 8601. */
export function slackDate(ms: number): string {
  return `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} {time_secs}|${new Date(ms).toISOString()}>`;
}

export function keyText(key: Readonly<Record<string, string>>): string {
  const parts = Object.entries(key).map(([k, v]) => `${k}=${v}`);
  return parts.length === 0 ? '(all hosts)' : parts.join(' ');
}

/** A mrkdwn text object (already escaped text), cut to a section's limit; verbatim, so Slack links nothing by itself. */
export const mrkdwn = (text: string): types.MrkdwnElement => ({ type: 'mrkdwn', text: truncate(text, MAX_SECTION_CHARS), verbatim: true });

/** `buttons: false` for an incoming webhook, which cannot take clicks. */
export function incidentMessage(incident: Incident, mute: Mute | null, options: { buttons?: boolean } = {}): SlackMessage {
  const status = incidentStatus(incident, mute);
  const key = keyText(incident.key);
  const blocks: types.KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(plainText(printable(`${STATUS_LABEL[status]}: ${incident.rule}`)), 150), emoji: true } },
    { type: 'section', fields: facts(incident, key) },
  ];
  if (incident.triage !== undefined) blocks.push({ type: 'section', text: mrkdwn(triageText(incident.triage)) });
  const distinct = distinctText(incident);
  if (distinct !== '') blocks.push({ type: 'section', text: mrkdwn(distinct) });
  if (incident.samples.length > 0) {
    blocks.push({ type: 'context', elements: [mrkdwn(`Sample lines (${incident.samples.length} of ${incident.count})`)] });
    blocks.push({ type: 'section', text: mrkdwn(samplesText(incident.samples)) });
  }
  const statusLine = statusText(incident, mute);
  if (statusLine !== '') blocks.push({ type: 'context', elements: [mrkdwn(statusLine)] });
  const actions = options.buttons === false ? [] : buttons(incident, mute);
  if (actions.length > 0) blocks.push({ type: 'actions', block_id: ACTIONS_BLOCK_ID, elements: actions });
  const text = escapeMrkdwn(truncate(printable(`${STATUS_LABEL[status]}: ${incident.rule} ${key}: ${incident.count} ${incident.count === 1 ? 'match' : 'matches'}`), 300));
  return { text, blocks };
}

function facts(i: Incident, key: string): types.MrkdwnElement[] {
  const count =
    i.ruleType === 'threshold'
      ? `${i.count} matches (threshold ${i.threshold} in ${formatDurationMs(i.windowMs)})`
      : `${i.count} ${i.count === 1 ? 'match' : 'matches'}`;
  return [
    mrkdwn(`*Rule*\n${escapeMrkdwn(i.rule)} (${i.ruleType})`),
    // A section field holds at most 2000 characters and escaping can grow each one fivefold (& → &amp;).
    mrkdwn(`*Key*\n${escapeMrkdwn(truncate(printable(key), 390))}`),
    mrkdwn(`*Count*\n${count}`),
    mrkdwn(`*State*\n${i.state === 'resolved' ? 'resolved' : `open; resolves after ${formatDurationMs(i.resolveAfterMs)} without matches`}`),
    mrkdwn(`*First seen*\n${slackDate(i.firstSeen)}`),
    mrkdwn(`*Last seen*\n${slackDate(i.lastSeen)}`),
  ];
}

/** The LLM's summary is text a model wrote about log lines: escaped like them. */
function triageText(t: IncidentTriage): string {
  return `Triage: ${escapeMrkdwn(truncate(printable(t.summary), MAX_TRIAGE_CHARS))} (severity guess: ${t.severity})`;
}

function distinctText(i: Incident): string {
  const lines: string[] = [];
  for (const [field, values] of Object.entries(i.distinct)) {
    if (values.length === 0) continue;
    const shown = values.slice(0, MAX_VALUES_SHOWN).map((v) => escapeMrkdwn(truncate(printable(v), 64)));
    const more = values.length > MAX_VALUES_SHOWN ? `, … +${values.length - MAX_VALUES_SHOWN} more` : '';
    lines.push(`*${escapeMrkdwn(field)}* (${values.length}${values.length >= 20 ? '+' : ''}): ${shown.join(', ')}${more}`);
  }
  return lines.join('\n');
}

/** The raw lines in a code block, escaped like every other mrkdwn text (a code block alone does not neutralise `<!channel>`). */
function samplesText(samples: readonly string[]): string {
  const perLine = Math.min(MAX_SAMPLE_CHARS, Math.floor((MAX_SECTION_CHARS - 200) / samples.length) - 1);
  const lines = samples.map((s) => truncate(escapeMrkdwn(printable(s)).replace(/```/g, 'ˋˋˋ'), perLine));
  return `\`\`\`${lines.join('\n')}\`\`\``;
}

function statusText(i: Incident, mute: Mute | null): string {
  const parts: string[] = [];
  if (i.ackedBy !== null) parts.push(`Acknowledged by ${actorText(i.ackedBy)}${i.ackedAt === null ? '' : ` at ${slackDate(i.ackedAt)}`}`);
  if (mute !== null && i.state === 'open') {
    const comment = mute.comment === '' ? '' : ` (“${escapeMrkdwn(truncate(printable(mute.comment), 200))}”)`;
    parts.push(`Muted until ${slackDate(mute.endsAt)} by ${actorText(mute.createdBy)}${comment}`);
  }
  if (i.resolvedAt !== null) parts.push(`Resolved at ${slackDate(i.resolvedAt)}`);
  return parts.join(' · ');
}

/** The Unmute button carries the mute and the incident whose message it is on (re-rendered afterwards). */
export const unmuteValue = (muteId: string, incidentId: string): string => `${muteId} ${incidentId}`;

export function parseUnmuteValue(value: string): { muteId: string; incidentId: string | undefined } {
  const [muteId = '', incidentId] = value.split(' ');
  return { muteId, incidentId };
}

function button(text: string, actionId: string, value: string, style?: 'primary' | 'danger'): types.Button {
  return { type: 'button', text: { type: 'plain_text', text }, action_id: actionId, value, ...(style ? { style } : {}) };
}

function buttons(i: Incident, mute: Mute | null): types.Button[] {
  if (i.state === 'resolved') return [];
  if (mute !== null) return [button('Unmute', ACTION_UNMUTE, unmuteValue(mute.id, i.id))];
  const list: types.Button[] = [];
  if (i.ackedBy === null) list.push(button('Acknowledge', ACTION_ACK, i.id, 'primary'));
  list.push(button('Mute 1h', ACTION_MUTE_1H, i.id), button('Mute 24h', ACTION_MUTE_24H, i.id));
  return list;
}
