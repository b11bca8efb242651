/**
 * One call to an OpenAI-compatible chat-completions endpoint (`POST {baseUrl}/chat/completions`: OpenAI, Ollama's
 * /v1, llama.cpp's server) with Node's global fetch. Every way it can go is a value, never an exception: the
 * answer's text, or an outcome the caller counts. The call is bounded by `timeoutMs` (reply body included)
 * and by `maxReplyBytes`, and ends at once when the caller's signal aborts (stop()).
 * The API key goes only into the Authorization header; no outcome's detail carries it.
 */
import { z } from 'zod';
import type { ChatMessage } from './prompt.js';

export interface ChatRequest {
  readonly model: string;
  readonly messages: readonly ChatMessage[];
  readonly temperature: number;
  readonly maxTokens: number;
}

export type CompletionResult =
  | { readonly outcome: 'ok'; readonly content: string }
  | { readonly outcome: 'error' | 'timeout' | 'rate_limited' | 'malformed'; readonly detail: string }
  /** The caller's signal ended the call (stop()): not the endpoint's doing. */
  | { readonly outcome: 'aborted' };

export interface OpenAiClientOptions {
  /** Without a trailing slash, e.g. http://127.0.0.1:11434/v1 */
  readonly baseUrl: string;
  /** Sent as `Authorization: Bearer <key>`; null sends no Authorization header. */
  readonly apiKey: string | null;
  readonly timeoutMs: number;
  /** A longer reply is malformed (default 256 KiB). */
  readonly maxReplyBytes?: number;
}

const CompletionSchema = z.object({
  choices: z.array(z.object({ message: z.object({ content: z.string() }) })).min(1),
});

const DEFAULT_MAX_REPLY_BYTES = 256 * 1024;

export class OpenAiClient {
  readonly #o: OpenAiClientOptions;
  readonly #url: string;

  constructor(options: OpenAiClientOptions) {
    this.#o = options;
    this.#url = `${options.baseUrl}/chat/completions`;
  }

  async complete(request: ChatRequest, stop: AbortSignal): Promise<CompletionResult> {
    // One controller per call, its listener on `stop` removed when the call ends. Not AbortSignal.any([timeout,
    // stop]): Node 20 keeps every signal made from the long-lived `stop` in a set on it, one entry per call.
    const call = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      call.abort();
    }, this.#o.timeoutMs);
    timer.unref();
    const onStop = (): void => call.abort();
    stop.addEventListener('abort', onStop, { once: true });
    try {
      return await this.#call(request, stop, call.signal, () => timedOut);
    } finally {
      clearTimeout(timer);
      stop.removeEventListener('abort', onStop);
    }
  }

  async #call(request: ChatRequest, stop: AbortSignal, signal: AbortSignal, timedOut: () => boolean): Promise<CompletionResult> {
    if (stop.aborted) return { outcome: 'aborted' };
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    if (this.#o.apiKey !== null) headers.authorization = `Bearer ${this.#o.apiKey}`;
    const body = JSON.stringify({ model: request.model, messages: request.messages, temperature: request.temperature, max_tokens: request.maxTokens });
    let status: number;
    let text: string | null;
    try {
      const response = await fetch(this.#url, { method: 'POST', headers, body, signal });
      status = response.status;
      text = await readBounded(response, this.#o.maxReplyBytes ?? DEFAULT_MAX_REPLY_BYTES);
    } catch (err) {
      if (stop.aborted) return { outcome: 'aborted' };
      if (timedOut()) return { outcome: 'timeout', detail: `no complete answer within ${this.#o.timeoutMs} ms` };
      return { outcome: 'error', detail: `network error: ${networkDetail(err)}` };
    }
    if (status === 429) return { outcome: 'rate_limited', detail: 'HTTP 429' };
    if (status < 200 || status > 299) return { outcome: 'error', detail: `HTTP ${status}${text ? `: ${this.#excerpt(text)}` : ''}` };
    if (text === null) return { outcome: 'malformed', detail: `reply over ${this.#o.maxReplyBytes ?? DEFAULT_MAX_REPLY_BYTES} bytes` };
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return { outcome: 'malformed', detail: 'the reply is not JSON' };
    }
    const completion = CompletionSchema.safeParse(json);
    if (!completion.success) return { outcome: 'malformed', detail: 'the reply has no choices[0].message.content' };
    return { outcome: 'ok', content: completion.data.choices[0]!.message.content };
  }

  /** The start of an error reply, for the log; a server may quote the request, so the key is cut out. */
  #excerpt(text: string): string {
    const key = this.#o.apiKey;
    const scrubbed = key === null || key === '' ? text : text.split(key).join('[redacted]');
    return scrubbed.slice(0, 200).replace(/\s+/g, ' ');
  }
}

/** The body as text, or null when it is longer than `max` bytes (the rest is not read). */
async function readBounded(response: Response, max: number): Promise<string | null> {
  if (response.body === null) return '';
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      // The reply is refused either way; a failure to cancel its stream changes nothing.
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** fetch's "fetch failed" with the system error under it (ECONNREFUSED, ...). */
function networkDetail(err: unknown): string {
  const cause = (err as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  return err instanceof Error ? err.message : String(err);
}
