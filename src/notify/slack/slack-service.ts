/**
 * The Slack app: a Bolt 5 App in Socket Mode (default; an outbound WebSocket, so a Pi behind NAT needs no
 * public URL) or behind Bolt's HTTP receiver (request signatures verified, stale timestamps refused), with
 * the incident notifier, the buttons and the slash command.
 *
 * Start-up is explicit (deferInitialization, then init()): a token Slack rejects is a clean start-up error.
 * If Slack cannot be reached at all, the appliance still starts (syslog must keep flowing); alerts wait in the
 * outbox and the connection is retried. Socket Mode reconnects are ours, not the library's: its own
 * auto-reconnect leaves a rejected promise unhandled when apps.connections.open fails (network down, 5xx),
 * which would end the process; here a lost connection is retried with a backoff (1 s doubling to 30 s).
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { App, LogLevel, SocketModeReceiver } from '@slack/bolt';
import type { SlackConfig } from '../../config/notify-schema.js';
import { AppError } from '../../errors.js';
import type { Logger } from '../../log.js';
import type { AlertControl, StatusSource } from './alert-control.js';
import { refusal, type Actor } from './authorization.js';
import { boltLogger } from './bolt-logger.js';
import { registerButtons } from './button-handlers.js';
import { runSlashCommand } from './command-runner.js';
import { platformErrorCode } from './slack-errors.js';
import type { SlackMessage } from './incident-message.js';
import { observedCall, SlackNotifier, type IncidentSource, type SlackCallObserver } from './slack-notifier.js';

export interface SlackServiceDeps {
  readonly control: AlertControl & IncidentSource;
  readonly status: StatusSource;
  readonly calls: SlackCallObserver;
  readonly stateDir: string | null;
  /** Counted with the other state files: a failed outbox write, a corrupt outbox file found at start. */
  readonly onStateWriteError: () => void;
  readonly onStateCorrupt: () => void;
  readonly log: Logger;
  readonly now: () => number;
}

/** Longest wait between two connection attempts while Slack is unreachable (the wait doubles from 1 s). */
const MAX_RECONNECT_WAIT_MS = 30_000;

/** Slack error codes that mean the token itself is wrong: retrying cannot help. */
const BAD_TOKEN = new Set(['invalid_auth', 'not_authed', 'token_revoked', 'token_expired', 'account_inactive', 'not_allowed_token_type']);

export class SlackService {
  readonly notifier: SlackNotifier;
  readonly #app: App;
  readonly #config: SlackConfig;
  readonly #deps: SlackServiceDeps;
  readonly #log: Logger;
  #server: Server | null = null;
  #connected = false;
  #retryTimer: NodeJS.Timeout | null = null;
  #stopped = false;
  #initialized = false;
  #failures = 0;

  constructor(config: SlackConfig, deps: SlackServiceDeps) {
    this.#config = config;
    this.#deps = deps;
    this.#log = deps.log;
    const common = {
      token: config.botToken,
      deferInitialization: true,
      logger: boltLogger(deps.log),
      logLevel: LogLevel.INFO,
      clientOptions: {
        slackApiUrl: config.apiUrl,
        timeout: config.timeout,
        retryConfig: { retries: config.retries, factor: 2, minTimeout: 1000, maxTimeout: 10_000 },
        // A 429 comes back to the outbox with its Retry-After instead of stalling the client's queue.
        rejectRateLimitedCalls: true,
      },
    };
    if (config.mode === 'socket') {
      const receiver = new SocketModeReceiver({
        appToken: config.appToken!,
        logger: common.logger,
        logLevel: common.logLevel,
        autoReconnectEnabled: false,
        installerOptions: { clientOptions: common.clientOptions },
      });
      receiver.client.on('disconnected', () => this.#lost());
      this.#app = new App({ ...common, socketMode: true, receiver });
    } else {
      this.#app = new App({ ...common, signingSecret: config.signingSecret, endpoints: config.path });
    }
    this.#app.error(async (err) => {
      this.#log.error({ err: err.message, code: (err as { code?: string }).code }, 'Slack listener failed');
    });
    this.notifier = new SlackNotifier({
      client: this.#app.client,
      channel: config.channel,
      incidents: deps.control,
      maxEvents: config.outbox.maxEvents,
      maxBackoffMs: config.outbox.maxBackoff,
      stateDir: deps.stateDir,
      onStateWriteError: deps.onStateWriteError,
      calls: deps.calls,
      log: deps.log,
      now: deps.now,
    });
    const ctx = { control: deps.control, messages: this.notifier, allow: config, log: deps.log, now: deps.now, command: config.command };
    registerButtons(this.#app, ctx);
    this.#app.command(config.command, async ({ command, ack }) => {
      const actor: Actor = { userId: command.user_id, userName: command.user_name, channelId: command.channel_id };
      const refused = refusal(actor, config);
      if (refused !== null) {
        deps.log.warn({ user: actor.userId, userName: actor.userName, channel: actor.channelId, command: command.text.slice(0, 200) }, 'Slack command refused by the allowlist');
        await ack({ response_type: 'ephemeral', text: refused });
        return;
      }
      await ack({ response_type: 'ephemeral', text: runSlashCommand(command.text, actor, { ...ctx, status: deps.status }) });
    });
  }

  /** Loads the outbox, connects (or schedules reconnecting), starts delivering. */
  async start(): Promise<void> {
    const loaded = await this.notifier.outbox.load();
    // StateFile has logged a corrupt file when it moved it aside.
    if (loaded.problem !== null) this.#deps.onStateCorrupt();
    if (loaded.items > 0) this.#log.info({ waiting: loaded.items }, 'undelivered Slack events restored from the outbox');
    this.notifier.outbox.start();
    await this.#connect(true);
  }

  /** Delivers what it can within drainTimeoutMs, keeps the rest on disk, disconnects. */
  async stop(drainTimeoutMs: number): Promise<void> {
    this.#stopped = true;
    if (this.#retryTimer !== null) clearTimeout(this.#retryTimer);
    await this.notifier.outbox.stop(drainTimeoutMs);
    if (this.#connected) await this.#app.stop().catch((err: Error) => this.#log.warn({ err: err.message }, 'Slack app did not stop cleanly'));
    this.#connected = false;
  }

  /**
   * Posts a message (the daily digest) to the default channel through the app's Web API client: one call with
   * the client's own retries, no outbox. Rejects with the client's error; the call is counted in the metrics.
   */
  async postDigest(message: SlackMessage): Promise<void> {
    const { channel } = this.#config;
    await observedCall(this.#deps.calls, 'chat.postMessage', () =>
      this.#app.client.chat.postMessage({ channel, text: message.text, blocks: message.blocks, unfurl_links: false, unfurl_media: false }),
    );
  }

  get connected(): boolean {
    return this.#connected;
  }

  /** The HTTP receiver's address (http mode, once connected). */
  httpAddress(): AddressInfo | null {
    const address = this.#server?.address();
    return address && typeof address === 'object' ? address : null;
  }

  /** Socket Mode: the WebSocket closed (Slack's periodic refresh, a network fault) and we did not stop it. */
  #lost(): void {
    if (this.#stopped || !this.#connected) return;
    this.#connected = false;
    this.#log.warn('Slack Socket Mode connection lost; reconnecting');
    this.#retry(1000);
  }

  #retry(delayMs: number): void {
    if (this.#stopped || this.#retryTimer !== null) return;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      this.#connect(false).catch((e: Error) => this.#log.error({ err: e.message }, 'Slack refused the connection; alerts wait in the outbox until the configuration is fixed'));
    }, delayMs);
    this.#retryTimer.unref();
  }

  async #connect(firstAttempt: boolean): Promise<void> {
    try {
      if (!this.#initialized) {
        await this.#app.init();
        this.#initialized = true;
      }
      if (this.#config.mode === 'socket') await this.#app.start();
      else this.#server = (await this.#app.start({ port: this.#config.port, host: this.#config.address })) as Server;
      this.#connected = true;
      this.#failures = 0;
      const where = this.#config.mode === 'http' ? { address: this.httpAddress()?.address, port: this.httpAddress()?.port, path: this.#config.path } : {};
      this.#log.info({ mode: this.#config.mode, channel: this.#config.channel, ...where }, 'Slack connected');
    } catch (err) {
      const code = platformErrorCode(err);
      if (code !== undefined && BAD_TOKEN.has(code)) {
        const tokens = this.#config.mode === 'socket' ? 'notify.slack.botToken and notify.slack.appToken' : 'notify.slack.botToken';
        throw new AppError('SLACK_AUTH', `Slack refused a token (${code}): check ${tokens}.`, { cause: err });
      }
      if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE' || (err as NodeJS.ErrnoException).code === 'EACCES') {
        throw new AppError('SLACK_BIND', `cannot listen for Slack on ${this.#config.address}:${this.#config.port}: ${(err as Error).message}`, { cause: err });
      }
      if (this.#stopped) return;
      this.#failures++;
      const retryInMs = Math.min(MAX_RECONNECT_WAIT_MS, 1000 * 2 ** Math.min(this.#failures - 1, 10));
      const context = { err: (err as Error).message, retryInMs, failures: this.#failures };
      if (firstAttempt || this.#failures === 1) this.#log.warn(context, 'cannot reach Slack; alerts wait in the outbox, retrying');
      else this.#log.debug(context, 'still cannot reach Slack');
      this.#retry(retryInMs);
    }
  }
}
