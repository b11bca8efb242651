/**
 * The digest as one Slack message (Block Kit, with a top-level text for notifications). Host names come from
 * the network: every one is cut, made printable and escaped (escapeMrkdwn), so a host named `<!channel>`
 * shows as text and pings nobody.
 */
import type { types } from '@slack/bolt';
import { matcherText } from '../notify/slack/command-runner.js';
import { escapeMrkdwn, printable, truncate } from '../notify/slack/escape.js';
import { actorText, MAX_SECTION_CHARS, mrkdwn, slackDate, type SlackMessage } from '../notify/slack/incident-message.js';
import type { DigestReport } from './digest-report.js';

const MAX_HOST_CHARS = 100;

const num = (n: number): string => n.toLocaleString('en-US');
const plural = (n: number, one: string, many: string): string => `${num(n)} ${n === 1 ? one : many}`;

/** A host name as inert mrkdwn. */
function hostText(host: string): string {
  return escapeMrkdwn(truncate(printable(host), MAX_HOST_CHARS));
}

export function digestMessage(report: DigestReport): SlackMessage {
  const m = report.messages;
  const i = report.incidents;
  const hostCount = `${num(m.hosts)}${m.hostsCapped ? '+' : ''}`;
  const blocks: types.KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: '📊 Syslog digest', emoji: true } },
    { type: 'context', elements: [mrkdwn(`${slackDate(report.from)} – ${slackDate(report.to)}`)] },
    {
      type: 'section',
      fields: [
        mrkdwn(`*Messages*\n${num(m.total)}`),
        mrkdwn(`*Hosts*\n${hostCount}`),
        mrkdwn(`*Incidents opened*\n${num(i.opened)}`),
        mrkdwn(`*Incidents open now*\n${num(i.openNow)}`),
        mrkdwn(`*Mutes active*\n${num(report.mutes.active)}`),
      ],
    },
  ];
  if (m.top.length > 0) {
    const lines = m.top.map((h, n) => `${n + 1}. ${hostText(h.host)}: ${plural(h.messages, 'message', 'messages')}`);
    if (m.otherHostsMessages > 0) lines.push(`Other hosts (beyond the ${num(m.hosts)} counted): ${plural(m.otherHostsMessages, 'message', 'messages')}`);
    blocks.push({ type: 'section', text: mrkdwn(fit(`*Top ${m.top.length === 1 ? 'host' : `${m.top.length} hosts`}*`, lines)) });
  }
  if (i.byRule.length > 0) {
    const lines = i.byRule.map((r) => `• ${escapeMrkdwn(r.rule)}: ${num(r.opened)}`);
    blocks.push({ type: 'section', text: mrkdwn(fit('*Incidents opened by rule*', lines)) });
  }
  if (report.mutes.list.length > 0) {
    const lines = report.mutes.list.map((mute) => `• ${matcherText(mute.matchers)} until ${slackDate(mute.endsAt)} by ${actorText(mute.createdBy)}`);
    const more = report.mutes.active - report.mutes.list.length;
    if (more > 0) lines.push(`… and ${num(more)} more`);
    blocks.push({ type: 'section', text: mrkdwn(fit('*Active mutes*', lines)) });
  }
  const text = escapeMrkdwn(
    `Syslog digest: ${plural(m.total, 'message', 'messages')} from ${hostCount} ${m.hosts === 1 && !m.hostsCapped ? 'host' : 'hosts'}, ` +
      `${plural(i.opened, 'incident', 'incidents')} opened, ${plural(report.mutes.active, 'mute', 'mutes')} active`,
  );
  return { text, blocks };
}

/** A title and as many whole lines as fit in one section, then how many were left out. */
function fit(title: string, lines: readonly string[]): string {
  let out = title;
  for (let k = 0; k < lines.length; k++) {
    const line = `\n${lines[k]}`;
    if (out.length + line.length > MAX_SECTION_CHARS - 40) return `${out}\n… and ${num(lines.length - k)} more`;
    out += line;
  }
  return out;
}
