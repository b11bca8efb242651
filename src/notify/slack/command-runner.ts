/**
 * Runs a parsed `/syslog` command against the alert manager and returns the ephemeral reply (mrkdwn, with
 * every echoed value escaped). Synchronous: the reply goes back in the command's ack(), well inside 3 s.
 */
import type { MuteView } from '../../alert/types.js';
import { formatDurationMs } from '../../config/units.js';
import type { Logger } from '../../log.js';
import { incidentsMutedBy, type AlertControl, type MessageRefresher, type StatusSource } from './alert-control.js';
import { actorId, type Actor } from './authorization.js';
import { commandUsage, parseSlashCommand } from './command-parser.js';
import { escapeMrkdwn, printable, truncate } from './escape.js';
import { actorText, incidentStatus, keyText, slackDate } from './incident-message.js';

export interface CommandContext {
  readonly control: AlertControl;
  readonly messages: MessageRefresher;
  readonly status: StatusSource;
  readonly log: Logger;
  readonly now: () => number;
  /** The command's name, e.g. /syslog (for help text). */
  readonly command: string;
}

const MAX_LISTED = 15;

export function runSlashCommand(text: string, actor: Actor, ctx: CommandContext): string {
  const parsed = parseSlashCommand(text);
  if (!parsed.ok) return `${parsed.error}\n\n${commandUsage(ctx.command)}`;
  const cmd = parsed.command;
  switch (cmd.kind) {
    case 'help':
      return commandUsage(ctx.command);
    case 'mutes':
      return listMutes(ctx.control.mutes(), ctx.now());
    case 'status':
      return status(ctx);
    case 'unmute':
      return unmute(cmd.id, actor, ctx);
    case 'mute': {
      const rules = ctx.status.ruleNames();
      const unknown = cmd.matchers.find((m) => m.name === 'rule' && !m.isRegex && !rules.includes(m.value));
      if (unknown !== undefined) {
        return `Not muted: there is no rule named \`${escapeMrkdwn(unknown.value)}\` (rules: ${rules.map((r) => `\`${escapeMrkdwn(r)}\``).join(', ') || 'none'}).`;
      }
      const now = ctx.now();
      const result = ctx.control.mute({ matchers: cmd.matchers, endsAt: now + cmd.durationMs, createdBy: actorId(actor), comment: cmd.comment });
      if (!result.ok) return `Not muted: ${result.problems.map((p) => escapeMrkdwn(p)).join('; ')}\n\n${commandUsage(ctx.command)}`;
      const mute = result.mute;
      ctx.log.info({ mute: mute.id, by: actorId(actor), userName: actor.userName, matchers: mute.matchers, endsAt: mute.endsAt }, 'mute created from Slack');
      const affected = incidentsMutedBy(ctx.control, mute.id);
      for (const i of affected) ctx.messages.refresh(i.id);
      return `Muted ${matcherText(mute.matchers)} for ${formatDurationMs(cmd.durationMs)}, until ${slackDate(mute.endsAt)} (id \`${mute.id}\`). ${affected.length} open ${affected.length === 1 ? 'incident' : 'incidents'} affected. End it with \`${ctx.command} unmute ${mute.id.slice(0, 8)}\`.`;
    }
  }
}

function unmute(idOrPrefix: string, actor: Actor, ctx: CommandContext): string {
  const matching = ctx.control.mutes().filter((v) => v.mute.id.startsWith(idOrPrefix));
  // A prefix shared with mutes that have already ended still names the one live mute.
  const live = matching.filter((v) => v.state !== 'expired');
  const candidates = matching.length > 1 && live.length === 1 ? live : matching;
  if (candidates.length === 0) return `No mute with id \`${escapeMrkdwn(idOrPrefix)}\`. \`${ctx.command} mutes\` lists them.`;
  if (candidates.length > 1) return `\`${escapeMrkdwn(idOrPrefix)}\` matches ${candidates.length} mutes; give more of the id.`;
  const { mute, state } = candidates[0]!;
  if (state === 'expired') return `Mute \`${mute.id}\` has already ended.`;
  const affected = incidentsMutedBy(ctx.control, mute.id);
  ctx.control.unmute(mute.id);
  ctx.log.info({ mute: mute.id, by: actorId(actor), userName: actor.userName }, 'mute ended from Slack');
  for (const i of affected) ctx.messages.refresh(i.id);
  return `Ended mute \`${mute.id}\` (${matcherText(mute.matchers)}).`;
}

export function matcherText(matchers: MuteView['mute']['matchers']): string {
  return matchers.map((m) => `\`${escapeMrkdwn(truncate(printable(`${m.name}${m.isRegex ? '=~' : '='}${m.value}`), 200))}\``).join(' ');
}

function listMutes(views: readonly MuteView[], now: number): string {
  const live = views.filter((v) => v.state !== 'expired').sort((a, b) => a.mute.endsAt - b.mute.endsAt);
  if (live.length === 0) return 'No active mutes.';
  const lines = live.slice(0, MAX_LISTED).map(({ mute, state }) => {
    const when = state === 'pending' ? `from ${slackDate(mute.startsAt)} ` : '';
    const comment = mute.comment === '' ? '' : ` “${escapeMrkdwn(truncate(printable(mute.comment), 100))}”`;
    return `• \`${mute.id.slice(0, 8)}\` ${matcherText(mute.matchers)} ${when}until ${slackDate(mute.endsAt)} (${formatDurationMs(mute.endsAt - now)} left) by ${actorText(mute.createdBy)}${comment}`;
  });
  if (live.length > MAX_LISTED) lines.push(`… and ${live.length - MAX_LISTED} more`);
  return `*${live.length} ${live.length === 1 ? 'mute' : 'mutes'}*\n${lines.join('\n')}`;
}

function status(ctx: CommandContext): string {
  const open = ctx.control.openIncidents().sort((a, b) => b.lastSeen - a.lastSeen);
  const rate = ctx.status.messagesPerSecond();
  const rateText = rate === null ? 'rate available after a minute' : `${rate.toFixed(1)}/s over the last minute`;
  const activeMutes = ctx.control.mutes().filter((v) => v.state === 'active').length;
  const lines = [
    `*Messages*: ${ctx.status.receivedTotal()} received since start, ${rateText}`,
    `*Open incidents*: ${open.length} · *Active mutes*: ${activeMutes}`,
  ];
  for (const i of open.slice(0, MAX_LISTED)) {
    const state = incidentStatus(i, ctx.control.muteFor(i) ?? null);
    lines.push(`• ${state}: ${escapeMrkdwn(i.rule)} ${escapeMrkdwn(truncate(printable(keyText(i.key)), 200))}: ${i.count} matches, last ${slackDate(i.lastSeen)}`);
  }
  if (open.length > MAX_LISTED) lines.push(`… and ${open.length - MAX_LISTED} more`);
  return lines.join('\n');
}
