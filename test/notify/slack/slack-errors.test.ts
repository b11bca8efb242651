/**
 * classifySlackError against the real @slack/web-api error classes: constructed directly, and as a real
 * WebClient (rejectRateLimitedCalls, no client retries, like SlackService builds it) throws them against the
 * fake Web API.
 */
import { webApi } from '@slack/bolt';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { classifySlackError, MESSAGE_GONE_ERRORS, platformErrorCode } from '../../../src/notify/slack/slack-errors.js';
import { httpError, okFalse, rateLimited, startFakeSlackApi, type FakeSlackApi } from '../../helpers/fake-slack-api.js';

const SLOW = 60_000;

function quietLogger(): webApi.Logger {
  let level = webApi.LogLevel.ERROR;
  const noop = () => {};
  return { debug: noop, info: noop, warn: noop, error: noop, setLevel: (l) => void (level = l), getLevel: () => level, setName: noop };
}

const platform = (error: string) => new webApi.WebAPIPlatformError({ ok: false, error });

describe('classifySlackError (constructed errors)', () => {
  it('rate limited: retry after Retry-After seconds (at least 1 s)', () => {
    expect(classifySlackError(new webApi.WebAPIRateLimitedError(7), SLOW)).toEqual({
      outcome: 'rate_limited',
      detail: 'retry after 7s',
      result: { outcome: 'retry', reason: 'rate limited', afterMs: 7000 },
      needsAttention: false,
    });
    expect(classifySlackError(new webApi.WebAPIRateLimitedError(0), SLOW).result).toEqual({ outcome: 'retry', reason: 'rate limited', afterMs: 1000 });
  });

  it.each([500, 502, 503, 504, 408, 429])('HTTP %i is transient: retry with backoff', (status) => {
    const c = classifySlackError(new webApi.WebAPIHTTPError(status, 'x', {}, ''), SLOW);
    expect(c).toEqual({ outcome: 'http_error', detail: `HTTP ${status}`, result: { outcome: 'retry', reason: `HTTP ${status}` }, needsAttention: false });
  });

  it.each([400, 401, 403, 404, 410, 413])('HTTP %i can never succeed: drop, and someone should look', (status) => {
    const c = classifySlackError(new webApi.WebAPIHTTPError(status, 'x', {}, ''), SLOW);
    expect(c).toEqual({ outcome: 'http_error', detail: `HTTP ${status}`, result: { outcome: 'drop', reason: `HTTP ${status}` }, needsAttention: true });
  });

  it('a network error (or a timeout) is retried with backoff', () => {
    const c = classifySlackError(new webApi.WebAPIRequestError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' })), SLOW);
    expect(c.outcome).toBe('network_error');
    expect(c.result).toEqual({ outcome: 'retry', reason: 'network error' });
    expect(c.detail).toMatch(/ECONNREFUSED/);
    expect(c.needsAttention).toBe(false);
  });

  it.each(['ratelimited', 'internal_error', 'fatal_error', 'service_unavailable', 'request_timeout'])('platform error %s is transient: retry with backoff', (code) => {
    expect(classifySlackError(platform(code), SLOW)).toEqual({ outcome: 'platform_error', detail: code, result: { outcome: 'retry', reason: code }, needsAttention: false });
  });

  it.each([
    'invalid_auth', 'not_authed', 'token_revoked', 'token_expired', 'account_inactive', 'no_permission', 'missing_scope',
    'channel_not_found', 'not_in_channel', 'is_archived', 'restricted_action', 'ekm_access_denied',
  ])('platform error %s needs attention: kept and retried slowly, so nothing is lost until it is fixed', (code) => {
    expect(classifySlackError(platform(code), SLOW)).toEqual({
      outcome: 'platform_error',
      detail: code,
      result: { outcome: 'retry', reason: code, afterMs: SLOW },
      needsAttention: true,
    });
  });

  it.each(['invalid_blocks', 'msg_too_long', 'invalid_arguments', 'message_not_found', 'no_text', 'some_future_error'])('platform error %s is a malformed request: drop', (code) => {
    expect(classifySlackError(platform(code), SLOW)).toEqual({ outcome: 'platform_error', detail: code, result: { outcome: 'drop', reason: code }, needsAttention: true });
  });

  it('anything else is unexpected: kept and retried', () => {
    expect(classifySlackError(new TypeError('fetch failed'), SLOW)).toEqual({ outcome: 'error', detail: 'fetch failed', result: { outcome: 'retry', reason: 'fetch failed' }, needsAttention: false });
    expect(classifySlackError(undefined, SLOW)).toMatchObject({ outcome: 'error', result: { outcome: 'retry' } });
    expect(classifySlackError(null, SLOW)).toMatchObject({ outcome: 'error', result: { outcome: 'retry' } });
    expect(classifySlackError('a string', SLOW)).toMatchObject({ outcome: 'error', detail: 'a string', result: { outcome: 'retry' } });
  });

  it('platformErrorCode: the code of an ok:false reply only', () => {
    expect(platformErrorCode(platform('message_not_found'))).toBe('message_not_found');
    expect(platformErrorCode(new webApi.WebAPIHTTPError(404, 'x', {}, ''))).toBeUndefined();
    expect(platformErrorCode(new webApi.WebAPIRateLimitedError(1))).toBeUndefined();
    expect(platformErrorCode(new Error('message_not_found'))).toBeUndefined();
    expect(platformErrorCode(null)).toBeUndefined();
    expect(platformErrorCode(undefined)).toBeUndefined();
  });

  it('the message-gone codes are what chat.update answers for a message it cannot edit', () => {
    expect([...MESSAGE_GONE_ERRORS].sort()).toEqual(['cant_update_message', 'edit_window_closed', 'message_not_found']);
  });
});

describe('classifySlackError (what a real WebClient throws against the fake Web API)', () => {
  let fake: FakeSlackApi;
  let client: webApi.WebClient;

  beforeAll(async () => {
    fake = await startFakeSlackApi();
    client = new webApi.WebClient('xoxb-test', {
      slackApiUrl: fake.url,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      timeout: 300,
      logger: quietLogger(),
    });
  });
  afterAll(async () => {
    await fake?.close();
  });
  beforeEach(() => fake.reset());

  async function thrownBy(call: Promise<unknown>): Promise<unknown> {
    try {
      await call;
    } catch (err) {
      return err;
    }
    throw new Error('expected the call to fail');
  }
  const post = () => client.chat.postMessage({ channel: 'C0ALERTS', text: 'x' });

  it('a 429 with Retry-After: retry after that many seconds, without the client waiting itself', async () => {
    fake.force('chat.postMessage', rateLimited(30));
    const started = Date.now();
    const err = await thrownBy(post());
    expect(Date.now() - started).toBeLessThan(15_000); // rejected, not paused for the 30 s (the outbox does the waiting)
    expect(err).toBeInstanceOf(webApi.WebAPIRateLimitedError);
    expect(classifySlackError(err, SLOW)).toMatchObject({ outcome: 'rate_limited', result: { outcome: 'retry', afterMs: 30_000 } });
    expect(fake.callsOf('chat.postMessage')).toHaveLength(1);
  });

  it('a 500: retry with backoff', async () => {
    fake.force('chat.postMessage', httpError(500));
    const err = await thrownBy(post());
    expect(err).toBeInstanceOf(webApi.WebAPIHTTPError);
    expect(classifySlackError(err, SLOW)).toMatchObject({ outcome: 'http_error', detail: 'HTTP 500', result: { outcome: 'retry' } });
  });

  it('a 400: drop', async () => {
    fake.force('chat.postMessage', httpError(400, 'bad request'));
    expect(classifySlackError(await thrownBy(post()), SLOW)).toMatchObject({ outcome: 'http_error', result: { outcome: 'drop', reason: 'HTTP 400' } });
  });

  it('ok:false not_in_channel: slow retry, needs attention; platformErrorCode reads it', async () => {
    fake.force('chat.postMessage', okFalse('not_in_channel'));
    const err = await thrownBy(post());
    expect(err).toBeInstanceOf(webApi.WebAPIPlatformError);
    expect(platformErrorCode(err)).toBe('not_in_channel');
    expect(classifySlackError(err, SLOW)).toMatchObject({ outcome: 'platform_error', result: { outcome: 'retry', afterMs: SLOW }, needsAttention: true });
  });

  it('ok:false invalid_blocks: drop', async () => {
    fake.force('chat.postMessage', okFalse('invalid_blocks'));
    expect(classifySlackError(await thrownBy(post()), SLOW)).toMatchObject({ outcome: 'platform_error', detail: 'invalid_blocks', result: { outcome: 'drop' } });
  });

  it('ok:false message_not_found on chat.update is recognisable as a message gone', async () => {
    fake.force('chat.update', okFalse('message_not_found'));
    const err = await thrownBy(client.chat.update({ channel: 'C0ALERTS', ts: '1.1', text: 'x' }));
    expect(MESSAGE_GONE_ERRORS.has(platformErrorCode(err)!)).toBe(true);
  });

  it('a reset connection: network error, retry', async () => {
    fake.force('chat.postMessage', 'reset');
    const err = await thrownBy(post());
    expect(err).toBeInstanceOf(webApi.WebAPIRequestError);
    expect(classifySlackError(err, SLOW)).toMatchObject({ outcome: 'network_error', result: { outcome: 'retry', reason: 'network error' } });
  });

  it('no answer within the client timeout: network error, retry', async () => {
    fake.force('chat.postMessage', 'hang');
    const err = await thrownBy(post());
    expect(classifySlackError(err, SLOW)).toMatchObject({ outcome: 'network_error', result: { outcome: 'retry' } });
  });

  it('a 429 without a usable Retry-After is still kept and retried', async () => {
    fake.force('chat.postMessage', { status: 429, body: { ok: false, error: 'ratelimited' } });
    // the client throws a plain Error here (no code): the unexpected-error branch keeps the event
    const c = classifySlackError(await thrownBy(post()), SLOW);
    expect(c).toMatchObject({ outcome: 'error', detail: expect.stringMatching(/Retry header/), result: { outcome: 'retry' }, needsAttention: false });
  });
});
