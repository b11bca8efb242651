/** A remote notifier's outbox, persisted as `outbox-<notifier>.json` in stateDir (or in memory without one). */
import type { z } from 'zod';
import { Outbox, type OutboxOptions } from './outbox.js';
import { OutboxFile } from './outbox-file.js';

/** How often a notifier's outbox file is rewritten at most while events come and go. */
const WRITE_INTERVAL_MS = 200;

export interface NotifierOutboxOptions<P> extends Omit<OutboxOptions<P>, 'name' | 'file'> {
  readonly notifier: string;
  /** null keeps the outbox in memory (replay, tests). */
  readonly stateDir: string | null;
  /** Validates each persisted payload at load. */
  readonly payload: z.ZodType<P>;
  readonly onStateWriteError?: () => void;
}

export function notifierOutbox<P>(o: NotifierOutboxOptions<P>): Outbox<P> {
  const { notifier, stateDir, payload, onStateWriteError, ...options } = o;
  const file: OutboxFile<P> | null =
    stateDir === null
      ? null
      : new OutboxFile<P>({
          stateDir,
          notifier,
          payload,
          items: () => outbox.items(),
          log: o.log,
          now: o.now,
          minWriteIntervalMs: WRITE_INTERVAL_MS,
          onWriteError: onStateWriteError ?? (() => {}),
        });
  const outbox: Outbox<P> = new Outbox<P>({ ...options, name: notifier, file });
  return outbox;
}
