/**
 * What Slack sends an appliance in HTTP mode, signed with the configured signing secret: a `/syslog` slash
 * command and a button click (`block_actions`). The appliance's Bolt receiver verifies the signature, so these
 * take the same path as real clicks and commands.
 */
import { createHmac } from 'node:crypto';

export interface SlackActor {
  readonly userId: string;
  readonly channelId: string;
}

async function postSigned(url: string, secret: string, form: Record<string, string>): Promise<Response> {
  const body = new URLSearchParams(form).toString();
  const ts = Math.floor(Date.now() / 1000);
  const signature = `v0=${createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex')}`;
  return fetch(url, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(ts), 'x-slack-signature': signature },
    signal: AbortSignal.timeout(10_000),
  });
}

/** Runs `/syslog <text>` and returns the ephemeral reply's text (the command's answer comes back in the HTTP reply). */
export async function slashCommand(url: string, secret: string, actor: SlackActor, text: string): Promise<string> {
  const res = await postSigned(url, secret, {
    command: '/syslog',
    text,
    team_id: 'T0LOAD',
    team_domain: 'load',
    channel_id: actor.channelId,
    channel_name: 'alerts',
    user_id: actor.userId,
    user_name: 'load-tester',
    response_url: `${new URL(url).origin}/unused-response-url`,
    trigger_id: '1.2.3',
    api_app_id: 'A0LOAD',
    is_enterprise_install: 'false',
  });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`/syslog ${text}: HTTP ${res.status} ${body.slice(0, 200)}`);
  return (JSON.parse(body) as { text?: string }).text ?? '';
}

/** Clicks the button `actionId` (value `value`) on the message `messageTs`. Resolves once the appliance answered 200. */
export async function clickButton(url: string, secret: string, actor: SlackActor, actionId: string, value: string, messageTs: string): Promise<void> {
  const payload = {
    type: 'block_actions',
    team: { id: 'T0LOAD', domain: 'load' },
    user: { id: actor.userId, username: 'load-tester', name: 'load-tester', team_id: 'T0LOAD' },
    api_app_id: 'A0LOAD',
    token: 'unused-verification-token',
    trigger_id: '1.2.3',
    container: { type: 'message', message_ts: messageTs, channel_id: actor.channelId, is_ephemeral: false },
    channel: { id: actor.channelId, name: 'alerts' },
    message: { type: 'message', ts: messageTs, text: 'incident', user: 'U0BOT', bot_id: 'B0BOT', blocks: [] },
    state: { values: {} },
    response_url: `${new URL(url).origin}/unused-response-url`,
    actions: [{ type: 'button', action_id: actionId, block_id: 'incident_actions', value, text: { type: 'plain_text', text: actionId, emoji: true }, action_ts: `${Math.floor(Date.now() / 1000)}.000100` }],
    is_enterprise_install: false,
    enterprise: null,
  };
  const res = await postSigned(url, secret, { payload: JSON.stringify(payload) });
  if (res.status !== 200) throw new Error(`click ${actionId}: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`);
}

/** The `value` of the button `actionId` in a posted message's blocks (the incident id for Acknowledge). */
export function buttonValue(blocks: unknown, actionId: string): string | undefined {
  if (!Array.isArray(blocks)) return undefined;
  for (const block of blocks as { elements?: { action_id?: string; value?: string }[] }[]) {
    for (const e of block.elements ?? []) if (e.action_id === actionId) return e.value;
  }
  return undefined;
}
