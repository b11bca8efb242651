/** What the outbox holds and what a sender answers. */

export interface OutboxItem<P> {
  /** Items with the same key may be coalesced (the newer payload merged into the queued one). */
  readonly key: string;
  /** Items in one lane go out in order and at most one per lane interval (Slack: one lane per channel). */
  readonly lane: string;
  payload: P;
  /** Epoch ms when the first event of this item was queued. */
  readonly enqueuedAt: number;
  /** Failed attempts so far. */
  attempts: number;
}

/**
 * sent: done, remove it. retry: keep it at the head of its lane and try again after the longer of `afterMs` (a
 * 429's Retry-After) and the lane's backoff. drop: it can never succeed (a malformed request): remove and count.
 */
export type SendResult =
  | { readonly outcome: 'sent' }
  | { readonly outcome: 'retry'; readonly reason: string; readonly afterMs?: number }
  | { readonly outcome: 'drop'; readonly reason: string };

export const SENT: SendResult = Object.freeze({ outcome: 'sent' });

/** Counters read at scrape time. */
export class OutboxStats {
  /** Items added (not counting events merged into a queued item). */
  enqueued = 0;
  /** Events merged into an item already queued for the same key. */
  coalesced = 0;
  sent = 0;
  /** Failed attempts that will be retried. */
  retried = 0;
  /** Items removed because the sender said they can never succeed. */
  failed = 0;
  /** Events refused because the outbox was full. */
  overflow = 0;
  /** Items waiting now (a gauge). */
  depth = 0;
  /** Epoch ms of the oldest waiting item's first event, or null when empty (a gauge source). */
  oldestAt: number | null = null;
}
