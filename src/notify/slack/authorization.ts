/** Who may press the buttons and run the command: optional allowlists of Slack user and channel IDs. */

export interface Actor {
  readonly userId: string;
  /** Slack's user name when the payload carries one (for logs only). */
  readonly userName: string | undefined;
  readonly channelId: string | undefined;
}

export interface AllowLists {
  readonly allowedUsers?: readonly string[];
  readonly allowedChannels?: readonly string[];
}

/** null when allowed; otherwise the refusal shown to the person (ephemeral). */
export function refusal(actor: Actor, lists: AllowLists): string | null {
  if (lists.allowedUsers !== undefined && !lists.allowedUsers.includes(actor.userId)) {
    return 'You are not on the list of people allowed to change syslog-sentinel alerts (notify.slack.allowedUsers). Nothing was changed.';
  }
  if (lists.allowedChannels !== undefined && (actor.channelId === undefined || !lists.allowedChannels.includes(actor.channelId))) {
    return 'syslog-sentinel alerts cannot be changed from this channel (notify.slack.allowedChannels). Nothing was changed.';
  }
  return null;
}

/** How an actor is recorded on incidents and mutes; incident-message.ts turns it back into a mention. */
export const actorId = (actor: Actor): string => `slack:${actor.userId}`;
