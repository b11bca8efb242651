/**
 * What a failed Slack Web API call means for the outbox. The client is built with rejectRateLimitedCalls, so
 * a 429 arrives here with its Retry-After instead of pausing the client's whole queue.
 * - rate limited → retry after Retry-After; 5xx, timeouts, network errors → retry with backoff;
 * - a token or channel problem (invalid_auth, not_in_channel, …) → retry slowly (every outbox.maxBackoff), so
 *   the events are still there when someone fixes the token or invites the bot; the notifier logs each such
 *   attempt at error level (so about once per maxBackoff);
 * - a malformed request (invalid_blocks, msg_too_long, …) or another 4xx → drop: it can never succeed.
 */
import { webApi } from '@slack/bolt';
import type { SendResult } from '../outbox/types.js';

export type CallOutcome = 'ok' | 'rate_limited' | 'http_error' | 'network_error' | 'platform_error' | 'error';

export interface ClassifiedError {
  readonly outcome: CallOutcome;
  /** The platform error code (ok:false) or HTTP status, for logs. */
  readonly detail: string;
  readonly result: SendResult;
  /** A configuration fault that someone has to fix (token, channel membership). */
  readonly needsAttention: boolean;
}

const TRANSIENT_PLATFORM_ERRORS = new Set(['ratelimited', 'internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);
const ATTENTION_PLATFORM_ERRORS = new Set([
  'invalid_auth', 'not_authed', 'token_revoked', 'token_expired', 'account_inactive', 'no_permission', 'missing_scope',
  'channel_not_found', 'not_in_channel', 'is_archived', 'restricted_action', 'ekm_access_denied',
]);
/** chat.update cannot edit the message any more: post a new one instead. */
export const MESSAGE_GONE_ERRORS = new Set(['message_not_found', 'cant_update_message', 'edit_window_closed']);

interface SlackErrorShape {
  code?: string;
  retryAfter?: number;
  statusCode?: number;
  data?: { error?: string };
  message?: string;
}

/** The platform error code of an ok:false reply, or undefined for any other failure. */
export function platformErrorCode(err: unknown): string | undefined {
  const e = err as SlackErrorShape;
  return e?.code === webApi.ErrorCode.PlatformError ? e.data?.error : undefined;
}

export function classifySlackError(err: unknown, slowRetryMs: number): ClassifiedError {
  const e = (err ?? {}) as SlackErrorShape;
  switch (e.code) {
    case webApi.ErrorCode.RateLimitedError: {
      const afterMs = Math.max(1, e.retryAfter ?? 1) * 1000;
      return { outcome: 'rate_limited', detail: `retry after ${afterMs / 1000}s`, result: { outcome: 'retry', reason: 'rate limited', afterMs }, needsAttention: false };
    }
    case webApi.ErrorCode.HTTPError: {
      const status = e.statusCode ?? 0;
      const detail = `HTTP ${status}`;
      const transient = status >= 500 || status === 408 || status === 429;
      return { outcome: 'http_error', detail, result: transient ? { outcome: 'retry', reason: detail } : { outcome: 'drop', reason: detail }, needsAttention: !transient };
    }
    case webApi.ErrorCode.RequestError:
      return { outcome: 'network_error', detail: e.message ?? 'request failed', result: { outcome: 'retry', reason: 'network error' }, needsAttention: false };
    case webApi.ErrorCode.PlatformError: {
      const code = e.data?.error ?? 'unknown';
      if (TRANSIENT_PLATFORM_ERRORS.has(code)) return { outcome: 'platform_error', detail: code, result: { outcome: 'retry', reason: code }, needsAttention: false };
      if (ATTENTION_PLATFORM_ERRORS.has(code)) {
        return { outcome: 'platform_error', detail: code, result: { outcome: 'retry', reason: code, afterMs: slowRetryMs }, needsAttention: true };
      }
      return { outcome: 'platform_error', detail: code, result: { outcome: 'drop', reason: code }, needsAttention: true };
    }
    default:
      // Not a Slack client error: a timeout surfaces as RequestError, so this is unexpected; keep the event.
      return { outcome: 'error', detail: e.message ?? String(err), result: { outcome: 'retry', reason: e.message ?? 'error' }, needsAttention: false };
  }
}
