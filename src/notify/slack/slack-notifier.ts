/**
 * Incidents as Slack messages: one message per incident, posted once and then edited in place. notify()
 * only queues (the outbox, in stateDir); the outbox worker makes the calls, one per channel per second at
 * most, coalescing a burst of updates into one chat.update that shows the latest state. The message's
 * channel and ts are stored on the incident (refs.slack, persisted with it), so an update after a restart
 * edits the same message. Each send renders the incident as it is *now* (acknowledged, muted, resolved).
 */
import { z } from 'zod';
import type { webApi } from '@slack/bolt';
import type { Incident, IncidentEvent, Mute, Notifier } from '../../alert/types.js';
import type { Logger } from '../../log.js';
import { IncidentSchema } from '../../alert/state-schema.js';
import type { Outbox } from '../outbox/outbox.js';
import { notifierOutbox } from '../outbox/notifier-outbox.js';
import { SENT, type OutboxItem, type SendResult } from '../outbox/types.js';
import { incidentMessage, type SlackMessage } from './incident-message.js';
import { classifySlackError, MESSAGE_GONE_ERRORS, platformErrorCode, type CallOutcome } from './slack-errors.js';

export const SLACK_NOTIFIER = 'slack';

/** What the notifier needs from the alert manager. */
export interface IncidentSource {
  incident(id: string): Incident | undefined;
  muteFor(incident: Incident): Mute | undefined;
  setRefs(incidentId: string, notifier: string, ref: Readonly<Record<string, string>>): boolean;
}

/** Slack call metrics (method, outcome, seconds). */
export interface SlackCallObserver {
  call(method: string, outcome: CallOutcome, seconds: number): void;
}

/** refresh: re-render after an ack, mute or unmute (only edits an existing message). */
type MessageEvent = IncidentEvent['event'] | 'refresh';

interface SlackPayload {
  readonly event: MessageEvent;
  /** The incident when the event was queued: used when the live one is gone (garbage-collected). */
  readonly incident: Incident;
}

const PayloadSchema = z.object({
  event: z.enum(['fired', 'updated', 'resolved', 'suppressed', 'triaged', 'refresh']),
  incident: IncidentSchema,
}) as z.ZodType<SlackPayload>;

export interface SlackNotifierOptions {
  readonly client: webApi.WebClient;
  /** Channel for incidents whose rule sets none. */
  readonly channel: string;
  readonly incidents: IncidentSource;
  readonly maxEvents: number;
  readonly maxBackoffMs: number;
  /** Directory for outbox-slack.json; null keeps the outbox in memory. */
  readonly stateDir: string | null;
  readonly calls: SlackCallObserver;
  readonly log: Logger;
  readonly now: () => number;
  /** Pace per channel (default 1000 ms: Slack's one message per second per channel). */
  readonly channelIntervalMs?: number;
  readonly onStateWriteError?: () => void;
}

export class SlackNotifier implements Notifier {
  readonly name = SLACK_NOTIFIER;
  readonly outbox: Outbox<SlackPayload>;
  readonly #o: SlackNotifierOptions;

  constructor(options: SlackNotifierOptions) {
    this.#o = options;
    this.outbox = notifierOutbox<SlackPayload>({
      notifier: SLACK_NOTIFIER,
      stateDir: options.stateDir,
      payload: PayloadSchema,
      onStateWriteError: options.onStateWriteError,
      maxItems: options.maxEvents,
      laneIntervalMs: options.channelIntervalMs ?? 1000,
      maxBackoffMs: options.maxBackoffMs,
      merge: (queued, next) => ({ event: next.event === 'refresh' ? queued.event : next.event, incident: next.incident }),
      send: (item) => this.#send(item),
      log: options.log,
      now: options.now,
    });
  }

  /** `suppressed` (opened while muted) makes no Slack call; everything else is queued (`triaged` edits the message like `updated`). */
  async notify(event: IncidentEvent): Promise<void> {
    if (event.event === 'suppressed') return;
    this.#put(event.event, event.incident);
  }

  /** Re-renders the incident's message (after an ack, mute or unmute). No message yet: nothing to do. */
  refresh(incidentId: string): void {
    const incident = this.#o.incidents.incident(incidentId);
    if (incident?.refs[SLACK_NOTIFIER] !== undefined) this.#put('refresh', incident);
  }

  #put(event: MessageEvent, incident: Incident): void {
    this.outbox.put(incident.id, incident.channel ?? this.#o.channel, { event, incident });
  }

  async #send(item: Readonly<OutboxItem<SlackPayload>>): Promise<SendResult> {
    const incident = this.#o.incidents.incident(item.key) ?? item.payload.incident;
    const ref = incident.refs[SLACK_NOTIFIER] ?? item.payload.incident.refs[SLACK_NOTIFIER];
    const message = incidentMessage(incident, this.#o.incidents.muteFor(incident) ?? null);
    if (ref?.channel !== undefined && ref.ts !== undefined) {
      const updated = await this.#call('chat.update', { channel: ref.channel, ts: ref.ts, ...message });
      if (updated.ok || !MESSAGE_GONE_ERRORS.has(updated.code ?? '')) return updated.result;
      this.#o.log.warn({ incident: incident.id, error: updated.code }, 'the incident message can no longer be edited; posting a new one');
    } else if (item.payload.event === 'refresh') {
      return SENT;
    }
    return this.#post(incident, item.lane, message);
  }

  async #post(incident: Incident, channel: string, message: SlackMessage): Promise<SendResult> {
    const posted = await this.#call('chat.postMessage', { channel, ...message, unfurl_links: false, unfurl_media: false });
    if (posted.ok) {
      const reply = posted.reply as { channel?: string; ts?: string };
      if (typeof reply.channel === 'string' && typeof reply.ts === 'string') {
        this.#o.incidents.setRefs(incident.id, SLACK_NOTIFIER, { channel: reply.channel, ts: reply.ts });
      }
    }
    return posted.result;
  }

  async #call(
    method: 'chat.postMessage' | 'chat.update',
    args: Record<string, unknown>,
  ): Promise<{ ok: boolean; result: SendResult; reply?: unknown; code?: string }> {
    const client = this.#o.client;
    try {
      const reply = await observedCall<unknown>(this.#o.calls, method, () => (method === 'chat.update' ? client.chat.update(args as never) : client.chat.postMessage(args as never)));
      return { ok: true, result: SENT, reply };
    } catch (err) {
      const failure = classifySlackError(err, this.#o.maxBackoffMs);
      if (failure.result.outcome === 'drop') {
        this.#o.log.error({ method, error: failure.detail, channel: args.channel }, 'Slack refused the request as malformed; the event is dropped');
      } else if (failure.needsAttention) {
        this.#o.log.error({ method, error: failure.detail, channel: args.channel }, 'Slack refused the call: check notify.slack.botToken, the scopes, and that the bot is in the channel (/invite @app)');
      }
      return { ok: false, result: failure.result, code: platformErrorCode(err) };
    }
  }
}

/** Runs one Slack API call and records it (method, outcome, seconds) whether it succeeds or throws. */
export async function observedCall<T>(calls: SlackCallObserver, method: string, call: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    const reply = await call();
    calls.call(method, 'ok', (performance.now() - started) / 1000);
    return reply;
  } catch (err) {
    calls.call(method, classifySlackError(err, 0).outcome, (performance.now() - started) / 1000);
    throw err;
  }
}
