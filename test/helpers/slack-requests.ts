/**
 * Signed requests and Slack-shaped payloads for driving a Bolt HTTPReceiver.
 * The same payload objects go into Socket Mode envelopes (fake-socket-mode.ts `send('interactive', payload)`).
 */
import { createHmac } from 'node:crypto';

/** Slack's request signature: `v0=` + HMAC-SHA256(secret, `v0:<ts>:<body>`) in hex. `ts` in seconds. */
export function signSlack(secret: string, ts: number, body: string): string {
  return 'v0=' + createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex');
}

export interface PostSignedOptions {
  /** x-slack-request-timestamp in seconds (default: now). E.g. `now - 360` for a stale request; it is signed with this ts. */
  ts?: number;
  /** Send this x-slack-signature instead of the correct one (a forged signature). */
  signature?: string;
  /** Send neither x-slack-signature nor x-slack-request-timestamp. */
  unsigned?: boolean;
  /** Content-Type (default exactly `application/x-www-form-urlencoded`; Bolt answers 400 to `…; charset=utf-8`). */
  contentType?: string;
  /** Extra headers (e.g. x-slack-retry-num). */
  headers?: Record<string, string>;
}

/** The current time in whole seconds, as Slack timestamps its requests. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/**
 * POST a signed request to a Bolt receiver URL (`http://127.0.0.1:<port>/slack/events`).
 * `form` is URL-encoded once and those exact bytes are signed and sent, as a string (a URLSearchParams body would make
 * fetch add `;charset=UTF-8` to the content type). A string `form` is sent verbatim (e.g. a JSON events body, together
 * with `contentType: 'application/json'`). Returns the fetch Response; its body is not consumed.
 */
export async function postSigned(
  url: string,
  secret: string,
  form: Record<string, string> | string,
  options: PostSignedOptions = {},
): Promise<Response> {
  const body = typeof form === 'string' ? form : new URLSearchParams(form).toString();
  const ts = options.ts ?? nowSeconds();
  const headers: Record<string, string> = {
    'content-type': options.contentType ?? 'application/x-www-form-urlencoded',
    ...options.headers,
  };
  if (options.unsigned !== true) {
    headers['x-slack-request-timestamp'] = String(ts);
    headers['x-slack-signature'] = options.signature ?? signSlack(secret, ts, body);
  }
  return fetch(url, { method: 'POST', body, headers });
}

/** The HTTP form for an interactive payload: one field, `payload=<json>`. */
export function interactiveForm(payload: object): Record<string, string> {
  return { payload: JSON.stringify(payload) };
}

export interface BlockActionsOptions {
  actionId: string;
  value: string;
  userId: string;
  channelId: string;
  /** ts of the message carrying the button. */
  messageTs: string;
  responseUrl: string;
  /** The message's blocks (what was posted). The action's block_id is taken from the block holding `actionId`. */
  blocks?: unknown[];
  /** Overrides the block_id (default: found in `blocks`, else 'alert_actions'). */
  blockId?: string;
  /** The message's text (default 'alert'). */
  text?: string;
  teamId?: string;
  userName?: string;
  triggerId?: string;
}

/** A Slack `block_actions` payload for a button click on a bot message, shaped like the one Slack sends. */
export interface BlockActionsPayload {
  type: 'block_actions';
  team: { id: string; domain: string };
  user: { id: string; username: string; name: string; team_id: string };
  api_app_id: string;
  token: string;
  trigger_id: string;
  container: { type: 'message'; message_ts: string; channel_id: string; is_ephemeral: boolean };
  channel: { id: string; name: string };
  message: { type: 'message'; ts: string; text: string; user: string; bot_id: string; blocks: unknown[] };
  state: { values: Record<string, unknown> };
  response_url: string;
  actions: {
    type: 'button';
    action_id: string;
    block_id: string;
    value: string;
    text: { type: 'plain_text'; text: string; emoji: boolean };
    action_ts: string;
  }[];
  is_enterprise_install: boolean;
  enterprise: null;
}

export function blockActionsPayload(o: BlockActionsOptions): BlockActionsPayload {
  const teamId = o.teamId ?? 'T0FAKE';
  const blocks = o.blocks ?? [];
  return {
    type: 'block_actions',
    team: { id: teamId, domain: 'fake' },
    user: { id: o.userId, username: o.userName ?? 'human', name: o.userName ?? 'human', team_id: teamId },
    api_app_id: 'A0APP',
    token: 'fake-verification-token',
    trigger_id: o.triggerId ?? '1.2.3',
    container: { type: 'message', message_ts: o.messageTs, channel_id: o.channelId, is_ephemeral: false },
    channel: { id: o.channelId, name: 'alerts' },
    message: { type: 'message', ts: o.messageTs, text: o.text ?? 'alert', user: 'U0BOT', bot_id: 'B0BOT', blocks },
    state: { values: {} },
    response_url: o.responseUrl,
    actions: [
      {
        type: 'button',
        action_id: o.actionId,
        block_id: o.blockId ?? findBlockId(blocks, o.actionId) ?? 'alert_actions',
        value: o.value,
        text: { type: 'plain_text', text: o.actionId, emoji: true },
        action_ts: `${nowSeconds()}.000100`,
      },
    ],
    is_enterprise_install: false,
    enterprise: null,
  };
}

export interface SlashCommandOptions {
  text: string;
  userId: string;
  channelId: string;
  responseUrl: string;
  command?: string;
  teamId?: string;
  userName?: string;
  triggerId?: string;
}

/**
 * The form fields Slack sends for a slash command (all strings). Post with postSigned() over HTTP, or use the same object
 * as the payload of a Socket Mode `slash_commands` envelope.
 */
export function slashCommandForm(o: SlashCommandOptions): Record<string, string> {
  return {
    command: o.command ?? '/syslog',
    text: o.text,
    team_id: o.teamId ?? 'T0FAKE',
    team_domain: 'fake',
    channel_id: o.channelId,
    channel_name: 'alerts',
    user_id: o.userId,
    user_name: o.userName ?? 'human',
    response_url: o.responseUrl,
    trigger_id: o.triggerId ?? '1.2.3',
    api_app_id: 'A0APP',
    is_enterprise_install: 'false',
  };
}

function findBlockId(blocks: unknown[], actionId: string): string | undefined {
  for (const block of blocks) {
    if (typeof block !== 'object' || block === null) continue;
    const b = block as { block_id?: unknown; elements?: unknown; accessory?: unknown };
    const elements = [...(Array.isArray(b.elements) ? b.elements : []), b.accessory];
    const hit = elements.some((e) => typeof e === 'object' && e !== null && (e as { action_id?: unknown }).action_id === actionId);
    if (hit && typeof b.block_id === 'string') return b.block_id;
  }
  return undefined;
}
