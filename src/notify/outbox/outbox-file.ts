/**
 * The outbox on disk: `outbox-<notifier>.json` in stateDir, written atomically and debounced with the same
 * StateFile/StateWriter the incident state uses, validated on load (a corrupt file is moved aside and reported).
 */
import { join } from 'node:path';
import { z } from 'zod';
import type { Logger } from '../../log.js';
import { StateFile, type StateProblem } from '../../alert/state-file.js';
import { StateWriter } from '../../alert/state-writer.js';
import type { OutboxItem } from './types.js';

const OUTBOX_VERSION = 1;

interface OutboxDocument<P> {
  readonly version: typeof OUTBOX_VERSION;
  readonly savedAt: number;
  readonly items: OutboxItem<P>[];
}

export interface OutboxFileOptions<P> {
  readonly stateDir: string;
  readonly notifier: string;
  readonly payload: z.ZodType<P>;
  readonly items: () => readonly OutboxItem<P>[];
  readonly log: Logger;
  readonly now: () => number;
  readonly minWriteIntervalMs: number;
  readonly onWriteError: () => void;
}

export interface LoadedOutbox<P> {
  readonly items: readonly OutboxItem<P>[];
  readonly problem: StateProblem | null;
}

export class OutboxFile<P> {
  readonly #file: StateFile<OutboxDocument<P>>;
  readonly #writer: StateWriter<OutboxDocument<P>>;

  constructor(options: OutboxFileOptions<P>) {
    const item = z.object({
      key: z.string().min(1),
      lane: z.string().min(1),
      payload: options.payload,
      enqueuedAt: z.number().finite(),
      attempts: z.number().int().nonnegative(),
    });
    const schema = z.object({ version: z.literal(OUTBOX_VERSION), savedAt: z.number().finite(), items: z.array(item) }) as z.ZodType<OutboxDocument<P>>;
    this.#file = new StateFile(join(options.stateDir, `outbox-${options.notifier}.json`), schema, options.log, options.now);
    this.#writer = new StateWriter({
      file: this.#file,
      minIntervalMs: options.minWriteIntervalMs,
      log: options.log,
      onError: options.onWriteError,
      snapshot: () => ({ version: OUTBOX_VERSION, savedAt: options.now(), items: options.items().map((i) => ({ ...i })) }),
    });
  }

  get path(): string {
    return this.#file.path;
  }

  async load(): Promise<LoadedOutbox<P>> {
    const loaded = await this.#file.load();
    if (loaded.status === 'ok') return { items: loaded.value.items, problem: null };
    return { items: [], problem: loaded.status === 'corrupt' ? loaded.problem : null };
  }

  changed(): void {
    this.#writer.markDirty();
  }

  flush(): Promise<void> {
    return this.#writer.flush();
  }
}
