/** The periodic garbage-collection job of the alert manager (a node-cron task by default; tests inject their own). */
import { startCronTask } from '../cron-task.js';
import type { Logger } from '../log.js';

/** Starts running `run` on a cron schedule; the returned handle stops it for good. */
export type GcScheduler = (schedule: string, run: () => void) => { stop(): void };

/** The default GC scheduler: a node-cron task, unref'd so it never keeps the process alive. */
export function cronGcScheduler(log: Logger): GcScheduler {
  return (schedule, run) => startCronTask({ name: 'alert-gc', schedule, run, log });
}
