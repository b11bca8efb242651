/**
 * The `notify` section: where incident events go. Console (JSON lines on stdout), a Slack app (Bolt, Socket
 * Mode or HTTP, with buttons and a slash command) and a Slack incoming webhook (no buttons). Secrets come in
 * through ${VAR} substitution (load.ts) and are never logged (log.ts redacts these key names).
 */
import { z } from 'zod';
import { DurationMs, IpAddress, Port } from './units.js';

/** A Slack user (U…/W…) or conversation (C…/G…/D…) ID. */
const SlackId = z.string().regex(/^[UWCGD][A-Z0-9]{2,30}$/, { message: 'must be a Slack ID such as U0123ABCD or C0123ABCD' });

/** http(s) URL; plain http only to a loopback host (tests, a local proxy). */
const ServiceUrl = z.url({ protocol: /^https?$/ }).refine(
  (s) => {
    // zod runs this refinement even when z.url() has already refused the text: new URL() would throw.
    if (!URL.canParse(s)) return true;
    const u = new URL(s);
    return u.protocol === 'https:' || ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname);
  },
  { message: 'must be an https:// URL (plain http:// only for a loopback host)' },
);

/** A Slack channel: a name ("#alerts") or an ID ("C0123ABCD"). Also used by a rule's `channel`. */
export const SlackChannel = z.string().regex(/^(#[a-z0-9_-]{1,80}|[CG][A-Z0-9]{2,30})$/, { message: 'must be "#channel-name" or a channel ID such as C0123ABCD' });

const OutboxSchema = z.strictObject({
  /** Undelivered events kept (in stateDir, across restarts) while Slack is unreachable; beyond it new ones are dropped and counted. */
  maxEvents: z.number().int().positive().max(100_000).default(1000),
  /** Longest wait between two attempts after a failure (the backoff doubles from 1 s up to this). */
  maxBackoff: DurationMs.pipe(z.number().min(1000)).default(60_000),
});

const SlackSchema = z
  .strictObject({
    /** socket: outbound WebSocket, no public URL needed (default). http: Slack POSTs to address:port/path. */
    mode: z.enum(['socket', 'http']).default('socket'),
    botToken: z.string().regex(/^xoxb-\S+$/, { message: 'must be a bot token (xoxb-…)' }),
    /** App-level token with connections:write; required in socket mode. */
    appToken: z.string().regex(/^xapp-\S+$/, { message: 'must be an app-level token (xapp-…)' }).optional(),
    /** Required in http mode: verifies every request Slack sends. */
    signingSecret: z.string().min(8).optional(),
    /** Default channel for alerts: a name ("#alerts") or an ID ("C0123ABCD"); a rule's `channel` overrides it. */
    channel: SlackChannel,
    /** http mode: where the receiver listens (put a TLS reverse proxy in front; Slack only calls https URLs). */
    address: IpAddress.default('127.0.0.1'),
    port: Port.default(3000),
    path: z.string().regex(/^\/[A-Za-z0-9/_-]{0,100}$/).default('/slack/events'),
    /** Slack Web API base URL; only tests change it. */
    apiUrl: ServiceUrl.optional(),
    /** Per Slack API call. */
    timeout: DurationMs.pipe(z.number().min(100).max(120_000)).default(10_000),
    /** Retries of one call inside the Slack client (5xx, network); the outbox retries beyond that. */
    retries: z.number().int().min(0).max(5).default(1),
    /** The slash command the app answers (must match the app manifest). */
    command: z.string().regex(/^\/[a-z0-9_-]{1,31}$/).default('/syslog'),
    /** When set, only these users may press the buttons and run commands. */
    allowedUsers: z.array(SlackId).min(1).optional(),
    /** When set, buttons and commands only work in these channels. */
    allowedChannels: z.array(SlackId).min(1).optional(),
    outbox: OutboxSchema.prefault({}),
  })
  .superRefine((s, ctx) => {
    if (s.mode === 'socket' && s.appToken === undefined) {
      ctx.addIssue({ code: 'custom', path: ['appToken'], message: 'is required in socket mode (an xapp- token with connections:write)' });
    }
    if (s.mode === 'http' && s.signingSecret === undefined) {
      ctx.addIssue({ code: 'custom', path: ['signingSecret'], message: 'is required in http mode (Basic Information → Signing Secret)' });
    }
  });

const WebhookSchema = z.strictObject({
  /** The incoming-webhook URL (https://hooks.slack.com/services/…); treat it as a secret. */
  url: ServiceUrl,
  timeout: DurationMs.pipe(z.number().min(100).max(120_000)).default(10_000),
  outbox: OutboxSchema.prefault({}),
});

export const NotifySchema = z.strictObject({
  /** Incident events as JSON lines on stdout. */
  console: z.strictObject({}).optional(),
  slack: SlackSchema.optional(),
  webhook: WebhookSchema.optional(),
});

export type SlackConfig = z.output<typeof SlackSchema>;
export type WebhookConfig = z.output<typeof WebhookSchema>;
export type OutboxConfig = z.output<typeof OutboxSchema>;
