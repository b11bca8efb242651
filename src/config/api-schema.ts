/**
 * `http.api`: the HTTP ingest and detect API (src/api/), served by the metrics HTTP server. Both endpoints are
 * off by default. The bearer token comes in through ${VAR} substitution (load.ts) and is never logged (log.ts
 * redacts the key `token`).
 */
import { z } from 'zod';
import { SizeBytes } from './units.js';

/** Shortest token accepted when an endpoint is on. */
export const MIN_API_TOKEN_LENGTH = 16;

export const ApiSchema = z
  .strictObject({
    /** POST /api/v1/logs: lines into the live pipeline, as if a listener had received them. */
    ingest: z.boolean().default(false),
    /** POST /api/v1/detect: the rules run over the posted lines offline (the replay engine); no live state changes. */
    detect: z.boolean().default(false),
    /** Bearer token every request must carry; required (16+ characters) when an endpoint is on. */
    token: z.string().optional(),
    /** Largest request body; a longer one is refused whole (413). */
    maxBodyBytes: SizeBytes.pipe(z.number().int().min(1024).max(64 * 1024 * 1024)).default(1024 * 1024),
    /** Most lines (entries) per request; more are refused whole (413). */
    maxLines: z.number().int().min(1).max(1_000_000).default(10_000),
    /** Longest line; a longer one is rejected on its own (the rest of the request goes on). */
    maxLineBytes: SizeBytes.pipe(z.number().int().min(480).max(16 * 1024 * 1024)).default(64 * 1024),
  })
  .superRefine((api, ctx) => {
    if (!api.ingest && !api.detect) return;
    if (api.token === undefined) {
      ctx.addIssue({ code: 'custom', path: ['token'], message: `is required when ingest or detect is on (e.g. token: "\${SYSLOG_API_TOKEN}", at least ${MIN_API_TOKEN_LENGTH} characters)` });
    } else if (api.token.length < MIN_API_TOKEN_LENGTH || !/^[\x21-\x7e]+$/.test(api.token)) {
      // The value is never echoed: it is a secret.
      ctx.addIssue({ code: 'custom', path: ['token'], message: `must be at least ${MIN_API_TOKEN_LENGTH} printable ASCII characters without spaces (e.g. openssl rand -hex 32)` });
    }
    if (api.maxLineBytes > api.maxBodyBytes) {
      ctx.addIssue({ code: 'custom', path: ['maxLineBytes'], message: `must not be larger than maxBodyBytes (${api.maxBodyBytes})` });
    }
  });

export type ApiConfig = z.output<typeof ApiSchema>;
