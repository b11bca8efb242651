/**
 * Incident events as JSON lines on a stream (stdout by default). Backpressure: when the stream's buffer is
 * full, notify() waits for 'drain', so the alert manager's bounded per-notifier queue fills up and counts its
 * drops instead of memory growing here. A stream that errors or closes fails every later notify() with a
 * non-retryable NotifyError.
 */
import type { Writable } from 'node:stream';
import { NotifyError, type IncidentEvent, type Notifier } from '../alert/types.js';

export interface ConsoleNotifierOptions {
  /** Default: process.stdout. */
  readonly stream?: Writable;
}

/** The JSON object written for one event. Times are ISO 8601 (UTC). */
function consoleRecord(e: IncidentEvent): Record<string, unknown> {
  const i = e.incident;
  const record: Record<string, unknown> = {
    event: e.event,
    at: iso(e.at),
    rule: i.rule,
    ruleType: i.ruleType,
    incident: i.id,
    key: i.key,
    count: i.count,
    threshold: i.threshold,
    windowSeconds: i.windowMs / 1000,
    firstSeen: iso(i.firstSeen),
    lastSeen: iso(i.lastSeen),
    distinct: i.distinct,
    samples: i.samples,
  };
  if (i.resolvedAt !== null) record.resolvedAt = iso(i.resolvedAt);
  if (i.ackedBy !== null) record.ackedBy = i.ackedBy;
  if (i.ackedAt !== null) record.ackedAt = iso(i.ackedAt);
  if (i.triage !== undefined) record.triage = { summary: i.triage.summary, severity: i.triage.severity, model: i.triage.model, at: iso(i.triage.at) };
  return record;
}

const iso = (ms: number): string => new Date(ms).toISOString();

export class ConsoleNotifier implements Notifier {
  readonly name = 'console';
  readonly #stream: Writable;
  #broken: Error | null = null;
  readonly #onError = (err: Error): void => {
    this.#broken ??= err;
  };

  constructor(options: ConsoleNotifierOptions = {}) {
    this.#stream = options.stream ?? process.stdout;
    // Without a listener an async write error (EPIPE) would be an uncaught exception.
    this.#stream.on('error', this.#onError);
  }

  async notify(event: IncidentEvent): Promise<void> {
    if (this.#broken === null && (this.#stream.destroyed || this.#stream.writableEnded)) this.#broken = new Error('stream closed');
    if (this.#broken !== null) throw new NotifyError(`${this.name}: output stream unusable: ${this.#broken.message}`, false, { cause: this.#broken });
    if (!this.#stream.write(`${JSON.stringify(consoleRecord(event))}\n`)) await this.#drained();
  }

  /** Removes the error listener from the stream (which the notifier does not own). */
  close(): void {
    this.#stream.off('error', this.#onError);
  }

  #drained(): Promise<void> {
    const stream = this.#stream;
    return new Promise((resolve, reject) => {
      const done = (err?: Error): void => {
        stream.off('drain', onDrain);
        stream.off('error', onFail);
        stream.off('close', onClose);
        if (err === undefined) resolve();
        else reject(new NotifyError(`${this.name}: output stream failed: ${err.message}`, false, { cause: err }));
      };
      const onDrain = (): void => done();
      const onFail = (err: Error): void => done(err);
      const onClose = (): void => done(this.#broken ?? new Error('stream closed'));
      stream.on('drain', onDrain);
      stream.on('error', onFail);
      stream.on('close', onClose);
    });
  }
}
