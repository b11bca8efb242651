/**
 * The `triage` section (off when absent): an OpenAI-compatible chat-completions endpoint (OpenAI, a local
 * Ollama or llama.cpp server) that gets a fired incident's rule, key, counts, distinct values and sample lines
 * and answers with a short summary and a severity guess. The API key is read from the environment variable
 * `apiKeyEnv` names, here at load, and is never logged (nothing logs the compiled config).
 */
import { z } from 'zod';
import { DurationMs } from './units.js';

/** http or https, no credentials, query or fragment in it (the key goes in `apiKeyEnv`). */
const BaseUrl = z.url({ protocol: /^https?$/ }).refine(
  (s) => {
    // zod runs this refinement even when z.url() has already refused the text: new URL() would throw.
    if (!URL.canParse(s)) return true;
    const u = new URL(s);
    return u.username === '' && u.password === '' && u.search === '' && u.hash === '';
  },
  { message: 'must be a plain http(s) base URL such as http://127.0.0.1:11434/v1 (no user:password, query or #fragment; put the key in apiKeyEnv)' },
);

const RedactSchema = z.strictObject({
  /** IPv4 and IPv6 addresses → <ip-1>, <ip-2>, ... */
  ips: z.boolean().default(true),
  /** User names (`user foo`, `invalid user foo`, `user=foo`, `for foo from`, user-like fields) → <user-1>, ... */
  users: z.boolean().default(true),
});

export const TriageSchema = z.strictObject({
  /** e.g. http://127.0.0.1:11434/v1 (Ollama), http://127.0.0.1:8080/v1 (llama.cpp), https://api.openai.com/v1 */
  baseUrl: BaseUrl,
  model: z.string().min(1).max(200),
  /** Name of the environment variable holding the API key (sent as `Authorization: Bearer`); local servers need none. */
  apiKeyEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: 'must be an environment variable name such as OPENAI_API_KEY' }).optional(),
  /** Per call, the reply included. */
  timeout: DurationMs.pipe(z.number().min(100).max(300_000)).default(10_000),
  /** Calls started per rolling hour; beyond it a fired incident is not triaged (counted skipped_budget). */
  maxCallsPerHour: z.number().int().min(1).max(100_000).default(20),
  /** Calls in flight at once; a fired incident beyond it is not triaged (counted skipped_busy). */
  maxConcurrent: z.number().int().min(1).max(16).default(2),
  /** Results kept per incident fingerprint (rule + key): a new incident on it within cacheTtl reuses the result. 0 = no cache. */
  cacheSize: z.number().int().min(0).max(100_000).default(1000),
  cacheTtl: DurationMs.pipe(z.number().min(1000)).default(3_600_000),
  redact: RedactSchema.prefault({}),
  /** Sample lines sent (an incident keeps at most 5). */
  maxSampleLines: z.number().int().min(0).max(5).default(5),
  temperature: z.number().min(0).max(2).default(0.2),
  maxTokens: z.number().int().min(16).max(4096).default(200),
});

export type ParsedTriage = z.output<typeof TriageSchema>;

/** The compiled section: the key read from the environment, times in ms, the base URL without a trailing slash. */
export interface TriageConfig {
  readonly baseUrl: string;
  readonly model: string;
  readonly apiKeyEnv: string | null;
  /** Secret: never log it. Null when apiKeyEnv is not set. */
  readonly apiKey: string | null;
  readonly timeoutMs: number;
  readonly maxCallsPerHour: number;
  readonly maxConcurrent: number;
  readonly cacheSize: number;
  readonly cacheTtlMs: number;
  readonly redact: { readonly ips: boolean; readonly users: boolean };
  readonly maxSampleLines: number;
  readonly temperature: number;
  readonly maxTokens: number;
}

export function compileTriage(parsed: ParsedTriage | undefined, env: Readonly<Record<string, string | undefined>>, problems: string[]): TriageConfig | null {
  if (parsed === undefined) return null;
  let apiKey: string | null = null;
  if (parsed.apiKeyEnv !== undefined) {
    const value = env[parsed.apiKeyEnv];
    if (value === undefined || value === '') problems.push(`triage.apiKeyEnv: environment variable ${parsed.apiKeyEnv} is not set (leave apiKeyEnv out for a local server without a key)`);
    else apiKey = value;
  }
  return {
    baseUrl: parsed.baseUrl.replace(/\/+$/, ''),
    model: parsed.model,
    apiKeyEnv: parsed.apiKeyEnv ?? null,
    apiKey,
    timeoutMs: parsed.timeout,
    maxCallsPerHour: parsed.maxCallsPerHour,
    maxConcurrent: parsed.maxConcurrent,
    cacheSize: parsed.cacheSize,
    cacheTtlMs: parsed.cacheTtl,
    redact: { ips: parsed.redact.ips, users: parsed.redact.users },
    maxSampleLines: parsed.maxSampleLines,
    temperature: parsed.temperature,
    maxTokens: parsed.maxTokens,
  };
}
