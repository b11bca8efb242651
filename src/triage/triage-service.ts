/**
 * LLM triage of fired incidents. It sits among the notifiers (the alert manager's delivery queue hands it every
 * event; it acts on `fired` only), so the `fired` event reaches the other notifiers exactly as without triage:
 * notify() starts the call and returns at once, and the answer comes back later through
 * AlertManager.attachTriage as a separate `triaged` event. Nothing the endpoint does (slow, down, 429,
 * nonsense) can delay or drop an alert: every outcome is counted, failures are logged at most once a minute.
 *
 * Per fired incident, in order: a cached answer for its fingerprint → `cached` (no call); `maxConcurrent`
 * calls in flight → `skipped_busy`; the hourly budget used up → `skipped_budget`; otherwise one call, whose
 * outcome is `ok`, `error` (network, HTTP error), `timeout`, `rate_limited` (429) or `malformed`.
 * stop() aborts the calls in flight (not counted: the endpoint did nothing wrong) and starts no more.
 */
import type { IncidentEvent, IncidentTriage, Incident, Notifier } from '../alert/types.js';
import type { TriageConfig } from '../config/triage-schema.js';
import type { Logger } from '../log.js';
import { LogThrottle } from '../log-throttle.js';
import { CallBudget } from './call-budget.js';
import { OpenAiClient } from './openai-client.js';
import { triagePrompt } from './prompt.js';
import { TriageCache } from './triage-cache.js';
import { parseTriageReply } from './triage-reply.js';

export const TRIAGE_NOTIFIER = 'triage';

export const TRIAGE_OUTCOMES = ['ok', 'error', 'timeout', 'rate_limited', 'malformed', 'skipped_budget', 'skipped_busy', 'cached'] as const;
export type TriageOutcome = (typeof TRIAGE_OUTCOMES)[number];

/**
 * Metrics: syslog_triage_requests_total{outcome}, syslog_triage_duration_seconds and
 * syslog_triage_cache_evictions_total (metrics/triage-metrics.ts).
 */
export interface TriageObserver {
  outcome(outcome: TriageOutcome): void;
  /** Seconds one call to the endpoint took, whatever its outcome. */
  duration(seconds: number): void;
  /** A cached answer was dropped before cacheTtl because cacheSize was reached. */
  cacheEviction(): void;
}

/** What the service needs from the alert manager. */
export interface TriageTarget {
  attachTriage(incidentId: string, triage: IncidentTriage): boolean;
}

export interface TriageServiceOptions {
  readonly config: TriageConfig;
  readonly target: TriageTarget;
  readonly observer: TriageObserver;
  readonly log: Logger;
  /** Epoch ms; Date.now by default. */
  readonly now?: () => number;
}

/** Failures and skips are logged at most once per this many ms each (with how many since). */
const LOG_INTERVAL_MS = 60_000;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

export class TriageService implements Notifier {
  readonly name = TRIAGE_NOTIFIER;
  readonly #o: TriageServiceOptions;
  readonly #now: () => number;
  readonly #client: OpenAiClient;
  readonly #budget: CallBudget;
  readonly #cache: TriageCache;
  readonly #inFlight = new Set<Promise<void>>();
  readonly #stop = new AbortController();
  readonly #failureLog = new LogThrottle(LOG_INTERVAL_MS);
  readonly #skipLog = new LogThrottle(LOG_INTERVAL_MS);

  constructor(options: TriageServiceOptions) {
    const c = options.config;
    this.#o = options;
    this.#now = options.now ?? Date.now;
    this.#client = new OpenAiClient({ baseUrl: c.baseUrl, apiKey: c.apiKey, timeoutMs: c.timeoutMs });
    this.#budget = new CallBudget(c.maxCallsPerHour);
    this.#cache = new TriageCache(c.cacheSize, c.cacheTtlMs, () => options.observer.cacheEviction());
    const url = new URL(c.baseUrl);
    options.log.info({ endpoint: `${url.protocol}//${url.host}${url.pathname}`, model: c.model, apiKeyEnv: c.apiKeyEnv, redact: c.redact }, 'LLM triage on');
    if (url.protocol === 'http:' && !LOOPBACK_HOSTS.has(url.hostname)) {
      options.log.warn({ host: url.host }, 'triage.baseUrl is plain http to another host: sample lines (and the API key, if any) cross the network unencrypted');
    }
  }

  /** Calls in flight now. */
  get inFlight(): number {
    return this.#inFlight.size;
  }

  /** Starts the triage of a fired incident and returns at once; every other event is ignored. */
  async notify(event: IncidentEvent): Promise<void> {
    if (event.event === 'fired') this.#begin(event.incident);
  }

  /** Aborts the calls in flight and waits for them to settle; later events start nothing. */
  async stop(): Promise<void> {
    const aborted = this.#inFlight.size;
    this.#stop.abort();
    await Promise.allSettled([...this.#inFlight]);
    if (aborted > 0) this.#o.log.info({ aborted }, 'triage calls in flight were aborted at stop');
  }

  /** Resolves once the calls in flight now (and any they lead to) have settled (tests). */
  async idle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  #begin(incident: Incident): void {
    if (this.#stop.signal.aborted) return;
    const now = this.#now();
    const cached = this.#cache.get(incident.fingerprint, now);
    if (cached !== undefined) {
      this.#o.observer.outcome('cached');
      this.#attach(incident, cached);
      return;
    }
    if (this.#inFlight.size >= this.#o.config.maxConcurrent) return this.#skip('skipped_busy', incident, now);
    if (!this.#budget.take(now)) return this.#skip('skipped_budget', incident, now);
    const call: Promise<void> = this.#triage(incident)
      .catch((err: unknown) => {
        // A bug of ours, not the endpoint's: counted as an error, logged in full, never an unhandled rejection.
        this.#o.observer.outcome('error');
        this.#o.log.error({ err, incident: incident.id, rule: incident.rule }, 'LLM triage threw unexpectedly; the incident was delivered without it');
      })
      .finally(() => this.#inFlight.delete(call));
    this.#inFlight.add(call);
  }

  async #triage(incident: Incident): Promise<void> {
    const c = this.#o.config;
    const prompt = triagePrompt(incident, { maxSampleLines: c.maxSampleLines, redact: c.redact });
    const started = performance.now();
    const result = await this.#client.complete({ model: c.model, messages: prompt.messages, temperature: c.temperature, maxTokens: c.maxTokens }, this.#stop.signal);
    if (result.outcome === 'aborted') return;
    this.#o.observer.duration((performance.now() - started) / 1000);
    if (result.outcome !== 'ok') return this.#failed(result.outcome, result.detail, incident);
    const reply = parseTriageReply(result.content);
    if (reply === null) return this.#failed('malformed', 'the answer is not a JSON object with a summary and a severity (low, medium, high, critical)', incident);
    const now = this.#now();
    const triage: IncidentTriage = Object.freeze({ summary: prompt.redactor.restore(reply.summary), severity: reply.severity, model: c.model, at: now });
    this.#cache.set(incident.fingerprint, triage, now);
    this.#attach(incident, triage);
    // Counted once attached: a throw from the target is counted as error instead (one outcome per incident).
    this.#o.observer.outcome('ok');
  }

  #attach(incident: Incident, triage: IncidentTriage): void {
    if (!this.#o.target.attachTriage(incident.id, triage)) {
      this.#o.log.debug({ incident: incident.id, rule: incident.rule }, 'the incident resolved before its triage arrived; not attached');
    }
  }

  #failed(outcome: Exclude<TriageOutcome, 'ok' | 'cached' | 'skipped_budget' | 'skipped_busy'>, detail: string, incident: Incident): void {
    this.#o.observer.outcome(outcome);
    const failures = this.#failureLog.hit(this.#now());
    if (failures !== null) {
      this.#o.log.warn({ outcome, detail, failures, incident: incident.id, rule: incident.rule }, 'LLM triage failed; the incident was delivered without it');
    }
  }

  #skip(outcome: 'skipped_budget' | 'skipped_busy', incident: Incident, now: number): void {
    this.#o.observer.outcome(outcome);
    const skipped = this.#skipLog.hit(now);
    if (skipped !== null) {
      const why = outcome === 'skipped_busy' ? `${this.#o.config.maxConcurrent} calls already in flight` : `the budget of ${this.#o.config.maxCallsPerHour} calls per hour is used up`;
      this.#o.log.warn({ outcome, skipped, incident: incident.id, rule: incident.rule }, `LLM triage skipped: ${why}`);
    }
  }
}
