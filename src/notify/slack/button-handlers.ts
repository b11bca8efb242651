/**
 * The incident message's buttons. Each handler ack()s first (Slack wants an answer within 3 s), checks the
 * allowlists, changes the alert state, queues a re-render of the message (through the outbox, so it obeys
 * the per-channel pace and survives an outage), and tells the clicker what happened in an ephemeral message.
 */
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { Incident } from '../../alert/types.js';
import { formatDurationMs } from '../../config/units.js';
import type { Logger } from '../../log.js';
import { ACTION_ACK, ACTION_UNMUTE, MUTE_ACTIONS } from './action-ids.js';
import { incidentsMutedBy, type AlertControl, type MessageRefresher } from './alert-control.js';
import { actorId, refusal, type Actor, type AllowLists } from './authorization.js';
import { matcherText } from './command-runner.js';
import { escapeMrkdwn } from './escape.js';
import { actorText, keyText, parseUnmuteValue, slackDate } from './incident-message.js';

export interface ButtonContext {
  readonly control: AlertControl;
  readonly messages: MessageRefresher;
  readonly allow: AllowLists;
  readonly log: Logger;
  readonly now: () => number;
  readonly command: string;
}

type Reply = (text: string) => Promise<void>;

export function registerButtons(app: App, ctx: ButtonContext): void {
  const handle = (actionId: string, run: (value: string, actor: Actor, reply: Reply) => Promise<void>): void => {
    app.action<BlockAction<ButtonAction>>(actionId, async ({ ack, body, action, client }) => {
      await ack();
      const actor: Actor = { userId: body.user.id, userName: body.user.username ?? body.user.name, channelId: body.channel?.id ?? body.container?.channel_id };
      const reply: Reply = async (text) => {
        if (actor.channelId === undefined) return;
        try {
          await client.chat.postEphemeral({ channel: actor.channelId, user: actor.userId, text });
        } catch (err) {
          ctx.log.warn({ err: String(err), user: actor.userId }, 'could not send the ephemeral confirmation');
        }
      };
      const refused = refusal(actor, ctx.allow);
      if (refused !== null) {
        ctx.log.warn({ user: actor.userId, userName: actor.userName, channel: actor.channelId, action: actionId }, 'Slack action refused by the allowlist');
        await reply(refused);
        return;
      }
      await run(action.value ?? '', actor, reply);
    });
  };

  handle(ACTION_ACK, async (incidentId, actor, reply) => {
    const result = ctx.control.acknowledge(incidentId, actorId(actor));
    if (!result.ok) {
      await reply(result.reason === 'resolved' ? 'This incident has already resolved.' : 'This incident is no longer known (it may have been cleaned up).');
      return;
    }
    if (result.incident.ackedBy !== actorId(actor)) {
      await reply(`${describe(result.incident)} was already acknowledged by ${actorText(result.incident.ackedBy ?? '')}.`);
      ctx.messages.refresh(incidentId);
      return;
    }
    ctx.log.info({ incident: incidentId, by: actorId(actor), userName: actor.userName }, 'incident acknowledged from Slack');
    ctx.messages.refresh(incidentId);
    await reply(`Acknowledged ${describe(result.incident)}: no more updates until it resolves.`);
  });

  for (const [actionId, durationMs] of Object.entries(MUTE_ACTIONS)) {
    handle(actionId, async (incidentId, actor, reply) => {
      const incident = ctx.control.incident(incidentId);
      if (incident === undefined) {
        await reply('This incident is no longer known (it may have been cleaned up).');
        return;
      }
      if (incident.state === 'resolved') {
        ctx.messages.refresh(incidentId);
        await reply(`This incident has already resolved; to silence future ones use \`${ctx.command} mute\`.`);
        return;
      }
      const matchers = [{ name: 'rule', value: incident.rule, isRegex: false }, ...Object.entries(incident.key).map(([name, value]) => ({ name, value, isRegex: false }))];
      const result = ctx.control.mute({ matchers, endsAt: ctx.now() + durationMs, createdBy: actorId(actor), comment: 'from the incident message' });
      if (!result.ok) {
        await reply(`Could not mute: ${result.problems.map(escapeMrkdwn).join('; ')}`);
        return;
      }
      const mute = result.mute;
      ctx.log.info({ mute: mute.id, incident: incidentId, by: actorId(actor), userName: actor.userName, endsAt: mute.endsAt }, 'mute created from Slack');
      for (const i of incidentsMutedBy(ctx.control, mute.id)) ctx.messages.refresh(i.id);
      await reply(`Muted ${matcherText(mute.matchers)} for ${formatDurationMs(durationMs)}, until ${slackDate(mute.endsAt)}. Undo with the Unmute button or \`${ctx.command} unmute ${mute.id.slice(0, 8)}\`.`);
    });
  }

  handle(ACTION_UNMUTE, async (value, actor, reply) => {
    const { muteId, incidentId } = parseUnmuteValue(value);
    const affected = incidentsMutedBy(ctx.control, muteId);
    // The clicked message is re-rendered in every case, so a stale Unmute button does not stay behind.
    if (incidentId !== undefined) ctx.messages.refresh(incidentId);
    const view = ctx.control.mutes().find((v) => v.mute.id === muteId);
    if (view === undefined) {
      await reply('That mute is no longer known.');
      return;
    }
    if (view.state === 'expired') {
      await reply(`The mute of ${matcherText(view.mute.matchers)} had already ended.`);
      return;
    }
    ctx.control.unmute(muteId);
    ctx.log.info({ mute: muteId, by: actorId(actor), userName: actor.userName }, 'mute ended from Slack');
    for (const i of affected) if (i.id !== incidentId) ctx.messages.refresh(i.id);
    await reply(`Ended the mute of ${matcherText(view.mute.matchers)}.`);
  });
}

function describe(i: Incident): string {
  return `*${escapeMrkdwn(i.rule)}* ${escapeMrkdwn(keyText(i.key))}`;
}
