/**
 * Slack incoming webhook, for people who cannot create a Slack app: one message per `fired` and one per
 * `resolved` event (a webhook cannot edit a message, so updates and `triaged` are not sent, and there are no
 * buttons; an LLM triage that arrived by then shows in the `resolved` message).
 * Delivery goes through the same persisted outbox as the app notifier: in order, one post per second,
 * retried on 429 (Retry-After), 408, 5xx and network failures; 401/403/404/410 (a revoked URL, an archived
 * channel) are retried slowly, every outbox.maxBackoff, with an error each time; any other 4xx is a
 * malformed payload: dropped and counted.
 */
import { z } from 'zod';
import type { Incident, IncidentEvent, Notifier } from '../../alert/types.js';
import { IncidentSchema } from '../../alert/state-schema.js';
import type { WebhookConfig } from '../../config/notify-schema.js';
import type { Logger } from '../../log.js';
import type { Outbox } from '../outbox/outbox.js';
import { notifierOutbox } from '../outbox/notifier-outbox.js';
import { SENT, type OutboxItem, type SendResult } from '../outbox/types.js';
import { incidentMessage } from '../slack/incident-message.js';
import type { SlackCallObserver } from '../slack/slack-notifier.js';

export const WEBHOOK_NOTIFIER = 'webhook';

interface WebhookPayload {
  readonly event: 'fired' | 'resolved';
  readonly incident: Incident;
}
const PayloadSchema = z.object({ event: z.enum(['fired', 'resolved']), incident: IncidentSchema }) as z.ZodType<WebhookPayload>;

/** Webhook answers that mean the URL is wrong or revoked: kept and retried slowly until someone fixes it. */
const ATTENTION_STATUSES = new Set([401, 403, 404, 410]);

export interface WebhookNotifierOptions {
  readonly config: WebhookConfig;
  readonly stateDir: string | null;
  readonly calls: SlackCallObserver;
  readonly log: Logger;
  readonly now: () => number;
  readonly onStateWriteError?: () => void;
}

export class WebhookNotifier implements Notifier {
  readonly name = WEBHOOK_NOTIFIER;
  readonly outbox: Outbox<WebhookPayload>;
  readonly #o: WebhookNotifierOptions;

  constructor(options: WebhookNotifierOptions) {
    this.#o = options;
    this.outbox = notifierOutbox<WebhookPayload>({
      notifier: WEBHOOK_NOTIFIER,
      stateDir: options.stateDir,
      payload: PayloadSchema,
      onStateWriteError: options.onStateWriteError,
      maxItems: options.config.outbox.maxEvents,
      laneIntervalMs: 1000,
      maxBackoffMs: options.config.outbox.maxBackoff,
      merge: null,
      send: (item) => this.#send(item),
      log: options.log,
      now: options.now,
    });
  }

  async notify(event: IncidentEvent): Promise<void> {
    if (event.event !== 'fired' && event.event !== 'resolved') return;
    this.outbox.put(`${event.incident.id}:${event.event}`, WEBHOOK_NOTIFIER, { event: event.event, incident: event.incident });
  }

  async #send(item: Readonly<OutboxItem<WebhookPayload>>): Promise<SendResult> {
    const message = incidentMessage(item.payload.incident, null, { buttons: false });
    const body = JSON.stringify({ text: message.text, blocks: message.blocks });
    const started = performance.now();
    const seconds = (): number => (performance.now() - started) / 1000;
    let response: Response;
    try {
      response = await fetch(this.#o.config.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(this.#o.config.timeout),
      });
      await response.arrayBuffer().catch(() => undefined);
    } catch (err) {
      this.#o.calls.call('webhook', 'network_error', seconds());
      return { outcome: 'retry', reason: `network error: ${(err as Error).message}` };
    }
    if (response.ok) {
      this.#o.calls.call('webhook', 'ok', seconds());
      return SENT;
    }
    const status = response.status;
    if (status === 429) {
      this.#o.calls.call('webhook', 'rate_limited', seconds());
      const retryAfter = Number(response.headers.get('retry-after'));
      return { outcome: 'retry', reason: 'rate limited', afterMs: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : 1000 };
    }
    this.#o.calls.call('webhook', 'http_error', seconds());
    if (status >= 500 || status === 408) return { outcome: 'retry', reason: `HTTP ${status}` };
    if (ATTENTION_STATUSES.has(status)) {
      this.#o.log.error({ status }, 'the Slack webhook refused the post: check notify.webhook.url (revoked, or the channel was archived)');
      return { outcome: 'retry', reason: `HTTP ${status}`, afterMs: this.#o.config.outbox.maxBackoff };
    }
    return { outcome: 'drop', reason: `HTTP ${status}` };
  }
}
