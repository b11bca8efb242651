/** OpenAiClient against a fake OpenAI-compatible endpoint on loopback: the request it sends and every outcome. */
import { getEventListeners } from 'node:events';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OpenAiClient, type ChatRequest } from '../../src/triage/openai-client.js';
import { closedPort } from '../helpers/closed-port.js';
import { startFakeLlmApi, triageAnswer, type FakeLlmApi } from '../helpers/fake-llm-api.js';
import { waitFor } from '../helpers/wait-for.js';

let fake: FakeLlmApi;
beforeAll(async () => {
  fake = await startFakeLlmApi();
});
afterAll(async () => {
  await fake?.close();
});
afterEach(() => fake.reset());

const REQUEST: ChatRequest = {
  model: 'llama3.2:3b',
  messages: [
    { role: 'system', content: 'be brief' },
    { role: 'user', content: 'Rule: ssh_invalid_user' },
  ],
  temperature: 0.2,
  maxTokens: 200,
};
const KEY = 'sk-test-0123456789abcdef';
const client = (over: { apiKey?: string | null; timeoutMs?: number; maxReplyBytes?: number; baseUrl?: string } = {}) =>
  new OpenAiClient({ baseUrl: over.baseUrl ?? fake.baseUrl, apiKey: over.apiKey === undefined ? KEY : over.apiKey, timeoutMs: over.timeoutMs ?? 2000, maxReplyBytes: over.maxReplyBytes });
const never = new AbortController().signal;

describe('OpenAiClient', () => {
  it('POSTs {model, messages, temperature, max_tokens} to {baseUrl}/chat/completions with the key as a Bearer token, and returns choices[0].message.content', async () => {
    fake.reply({ content: triageAnswer('Brute force.', 'high') });
    const result = await client().complete(REQUEST, never);
    expect(result).toEqual({ outcome: 'ok', content: '{"summary":"Brute force.","severity":"high"}' });
    expect(fake.requests).toHaveLength(1);
    const req = fake.requests[0]!;
    expect(req.path).toBe('/v1/chat/completions');
    expect(req.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.body).toEqual({ model: 'llama3.2:3b', messages: REQUEST.messages, temperature: 0.2, max_tokens: 200 });
  });

  it('sends no Authorization header without a key (a local server)', async () => {
    await client({ apiKey: null }).complete(REQUEST, never);
    expect(fake.requests[0]!.headers.authorization).toBeUndefined();
  });

  it('429 is rate_limited; 500, 503 and 404 are errors with the status', async () => {
    fake.reply({ status: 429, headers: { 'retry-after': '20' }, body: { error: { message: 'slow down' } } });
    expect(await client().complete(REQUEST, never)).toEqual({ outcome: 'rate_limited', detail: 'HTTP 429' });
    for (const status of [500, 503, 404]) {
      fake.reply({ status, body: 'upstream broke' });
      expect(await client().complete(REQUEST, never)).toEqual({ outcome: 'error', detail: `HTTP ${status}: upstream broke` });
    }
  });

  it('an error body that quotes the key has it cut out of the detail', async () => {
    fake.reply((req) => ({ status: 401, body: `Incorrect API key provided: ${String(req.headers.authorization).slice(7)}.` }));
    const result = await client().complete(REQUEST, never);
    expect(result).toEqual({ outcome: 'error', detail: 'HTTP 401: Incorrect API key provided: [redacted].' });
    expect(JSON.stringify(result)).not.toContain(KEY);
  });

  it('a body that is not JSON, or JSON without choices[0].message.content, is malformed', async () => {
    fake.reply({ status: 200, body: '<html>proxy error</html>' });
    expect(await client().complete(REQUEST, never)).toEqual({ outcome: 'malformed', detail: 'the reply is not JSON' });
    for (const body of [{}, { choices: [] }, { choices: [{ message: { content: null } }] }, { error: 'x' }]) {
      fake.reply({ status: 200, body });
      expect((await client().complete(REQUEST, never)).outcome).toBe('malformed');
    }
  });

  it('a reply over maxReplyBytes is malformed and not read to the end', async () => {
    fake.reply({ content: 'x'.repeat(100_000) });
    expect(await client({ maxReplyBytes: 10_000 }).complete(REQUEST, never)).toEqual({ outcome: 'malformed', detail: 'reply over 10000 bytes' });
  });

  it('an endpoint that never answers is a timeout after timeoutMs', async () => {
    fake.reply('hang');
    const result = await client({ timeoutMs: 300 }).complete(REQUEST, never);
    expect(result).toEqual({ outcome: 'timeout', detail: 'no complete answer within 300 ms' });
    expect(fake.requests).toHaveLength(1);
    expect(fake.open).toBe(1); // the endpoint never answered
  });

  it('a refused connection is a network error', async () => {
    const port = await closedPort();
    const result = await client({ baseUrl: `http://127.0.0.1:${port}/v1` }).complete(REQUEST, never);
    expect(result).toEqual({ outcome: 'error', detail: 'network error: ECONNREFUSED' });
  });

  it('a finished call leaves nothing attached to the long-lived stop signal (no growth per call)', async () => {
    const stop = new AbortController();
    const c = client();
    for (const reply of [{ content: triageAnswer('ok', 'low') }, { status: 500 }, 'hang'] as const) {
      fake.reply(reply);
      await (reply === 'hang' ? client({ timeoutMs: 200 }) : c).complete(REQUEST, stop.signal);
    }
    expect(getEventListeners(stop.signal, 'abort')).toHaveLength(0);
    // Node 20's AbortSignal.any() would have left one entry per call here (nodejs/node#55351).
    const dependants = Object.getOwnPropertySymbols(stop.signal).find((s) => s.description === 'kDependantSignals');
    expect(dependants === undefined ? 0 : (stop.signal as unknown as Record<symbol, Set<unknown>>)[dependants]!.size).toBe(0);
  });

  it("the caller's signal aborts a call in flight: aborted, not a timeout", async () => {
    fake.reply('hang');
    const stop = new AbortController();
    const pending = client({ timeoutMs: 10_000 }).complete(REQUEST, stop.signal);
    await waitFor(() => fake.requests.length === 1, 'the request at the fake endpoint');
    stop.abort();
    expect(await pending).toEqual({ outcome: 'aborted' });
  });
});
