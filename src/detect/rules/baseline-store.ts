/**
 * stateDir/baselines.json: what every baseline rule has learned (per key: mean, variance, intervals seen, the
 * interval in progress), so that a restart does not learn from zero. Loaded at start; saved every
 * saveIntervalMs and at stop, atomically and debounced like incidents.json (state-file.ts, state-writer.ts).
 * A saved rule whose definition (name and canonical form) differs from the running one is not restored: that
 * rule learns from scratch. A corrupt file is moved aside (StateFile logs it; the caller counts it). The file
 * holds at most maxKeys keys per rule, like the rules themselves.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { StateFile } from '../../alert/state-file.js';
import { StateWriter } from '../../alert/state-writer.js';
import type { Logger } from '../../log.js';
import type { BaselineRule } from './baseline.js';
import type { SavedBaselineKey } from './baseline-keys.js';

export const BASELINES_FILE = 'baselines.json';
export const BASELINES_VERSION = 1;
const DEFAULT_SAVE_INTERVAL_MS = 60_000;

const Ms = z.number().finite();
const Count = z.number().int().nonnegative();
const SavedKeySchema = z.object({
  key: z.record(z.string(), z.string()),
  mean: z.number().finite().nonnegative(),
  variance: z.number().finite().nonnegative(),
  intervals: Count,
  intervalStart: Ms,
  count: Count,
  firstAt: Ms,
  lastAt: Ms,
}) satisfies z.ZodType<SavedBaselineKey>;

export interface SavedBaselineRule {
  readonly name: string;
  /** The rule's canonical definition when it was saved. */
  readonly definition: string;
  readonly keys: readonly SavedBaselineKey[];
}

export interface BaselinesDocument {
  readonly version: typeof BASELINES_VERSION;
  readonly savedAt: number;
  readonly rules: readonly SavedBaselineRule[];
}

export const BaselinesDocumentSchema: z.ZodType<BaselinesDocument> = z.object({
  version: z.literal(BASELINES_VERSION),
  savedAt: Ms,
  rules: z.array(z.object({ name: z.string(), definition: z.string(), keys: z.array(SavedKeySchema) })),
});

export interface BaselineStoreOptions {
  readonly stateDir: string;
  /** The baseline rules running now (Detector.baselines(); a reload may change them). */
  readonly rules: () => readonly BaselineRule[];
  readonly log: Logger;
  readonly now: () => number;
  /** How often the state is saved while running (default 60 s); it is saved at stop too. */
  readonly saveIntervalMs?: number;
  /** Called once per failed write (logged by the writer), for a metric. */
  readonly onWriteError: () => void;
  /** Called when the file was corrupt and moved aside (logged by StateFile), for a metric. */
  readonly onCorrupt: () => void;
}

export class BaselineStore {
  readonly #o: BaselineStoreOptions;
  readonly #file: StateFile<BaselinesDocument>;
  readonly #writer: StateWriter<BaselinesDocument>;
  #timer: NodeJS.Timeout | null = null;

  constructor(options: BaselineStoreOptions) {
    this.#o = options;
    this.#file = new StateFile(join(options.stateDir, BASELINES_FILE), BaselinesDocumentSchema, options.log, options.now);
    this.#writer = new StateWriter({
      file: this.#file,
      snapshot: () => this.snapshot(),
      minIntervalMs: 1000,
      log: options.log,
      onError: options.onWriteError,
    });
  }

  /**
   * Restores the running baseline rules from the file (when there are any) and starts the periodic save.
   * Throws StateFileError when the file exists but cannot be read (an environment fault, fatal at start).
   */
  async start(): Promise<void> {
    const rules = this.#o.rules();
    if (rules.length > 0) {
      const loaded = await this.#file.load();
      if (loaded.status === 'corrupt') this.#o.onCorrupt();
      else if (loaded.status === 'ok') this.#restore(loaded.value, rules);
    }
    this.#timer ??= setInterval(() => this.#saveSoon(), this.#o.saveIntervalMs ?? DEFAULT_SAVE_INTERVAL_MS);
    this.#timer.unref();
  }

  /** Stops the periodic save and saves now. Never rejects (a failed write is logged and counted). */
  async stop(): Promise<void> {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    this.#saveSoon();
    await this.#writer.flush();
  }

  /** The document as it would be written now. */
  snapshot(): BaselinesDocument {
    const now = this.#o.now();
    const rules = this.#o.rules().map((r) => ({ name: r.rule.name, definition: r.rule.canonical, keys: r.save(now) }));
    return { version: BASELINES_VERSION, savedAt: now, rules };
  }

  /** Nothing is written while no baseline rule runs (a file left from earlier stays as it is). */
  #saveSoon(): void {
    if (this.#o.rules().length > 0) this.#writer.markDirty();
  }

  #restore(doc: BaselinesDocument, rules: readonly BaselineRule[]): void {
    const now = this.#o.now();
    const saved = new Map(doc.rules.map((r) => [r.name, r]));
    for (const rule of rules) {
      const entry = saved.get(rule.rule.name);
      if (entry === undefined) continue;
      if (entry.definition !== rule.rule.canonical) {
        this.#o.log.info({ rule: rule.rule.name }, 'baseline rule changed since its state was saved: it learns from scratch');
        continue;
      }
      const counts = rule.restore(entry.keys, now);
      if (counts.invalid > 0) this.#o.log.warn({ rule: rule.rule.name, keys: counts.invalid }, 'saved baseline keys do not fit the rule\'s groupBy: skipped');
      this.#o.log.info({ rule: rule.rule.name, keys: counts.restored, forgotten: counts.forgotten, savedAt: new Date(doc.savedAt).toISOString() }, 'baseline state loaded');
    }
  }
}
