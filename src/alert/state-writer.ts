/**
 * Debounced, serialised writes of one state file. `markDirty()` is cheap (a flag and at most one pending
 * timer), so the hot path can call it on every change. At most one write is in flight; changes made during a
 * write schedule the next one. The interval stretches when serialising gets slow (a large state), so that
 * JSON.stringify never takes more than about 1% of the event loop. `flush()` writes now and waits.
 */
import { performance } from 'node:perf_hooks';
import type { Logger } from '../log.js';
import type { StateFile } from './state-file.js';

export interface StateWriterOptions<T> {
  readonly file: Pick<StateFile<T>, 'path' | 'write'>;
  /** The document to write, built from the current state (called when the write starts). */
  readonly snapshot: () => T;
  /** Minimum time between two writes (the debounce). */
  readonly minIntervalMs: number;
  readonly log: Logger;
  /** Called once per failed write (after it was logged), for a metric. */
  readonly onError: () => void;
}

export class StateWriter<T> {
  #dirty = false;
  #timer: NodeJS.Timeout | null = null;
  #writing: Promise<void> | null = null;
  #intervalMs: number;

  constructor(private readonly options: StateWriterOptions<T>) {
    this.#intervalMs = options.minIntervalMs;
  }

  markDirty(): void {
    this.#dirty = true;
    if (this.#timer === null && this.#writing === null) this.#schedule();
  }

  /** Writes pending changes now and waits for every write to finish. Never rejects (failures are logged). */
  async flush(): Promise<void> {
    this.#clearTimer();
    while (this.#writing !== null || this.#dirty) {
      if (this.#writing === null) this.#start();
      await this.#writing;
      this.#clearTimer();
    }
  }

  #schedule(): void {
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#start();
    }, this.#intervalMs);
    this.#timer.unref();
  }

  #start(): void {
    this.#dirty = false;
    const t0 = performance.now();
    let data: string;
    try {
      data = JSON.stringify(this.options.snapshot());
    } catch (err) {
      this.options.log.error({ err, file: this.options.file.path }, 'cannot serialise state');
      this.options.onError();
      return;
    }
    this.#intervalMs = Math.max(this.options.minIntervalMs, Math.ceil((performance.now() - t0) * 100));
    this.#writing = this.options.file
      .write(data)
      .catch((err: unknown) => {
        this.options.log.error({ err, file: this.options.file.path }, 'cannot write state file; will retry on the next change');
        this.options.onError();
      })
      .finally(() => {
        this.#writing = null;
        if (this.#dirty && this.#timer === null) this.#schedule();
      });
  }

  #clearTimer(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }
}
