/** The periodic garbage-collection job of the alert manager (a node-cron task by default; tests inject their own). */
import { createTask } from 'node-cron';
import type { Logger } from '../log.js';

/** Starts running `run` on a cron schedule; the returned handle stops it for good. */
export type GcScheduler = (schedule: string, run: () => void) => { stop(): void };

/** The default GC scheduler: a node-cron task, unref'd so it never keeps the process alive. */
export function cronGcScheduler(log: Logger): GcScheduler {
  return (schedule, run) => {
    const cronLog = log.child({ component: 'alert-gc' });
    const task = createTask(schedule, run, {
      name: 'alert-gc',
      noOverlap: true,
      unref: true,
      logger: {
        info: (m) => cronLog.info(m),
        warn: (m) => cronLog.warn(m),
        error: (m, err) => cronLog.error({ err }, String(m)),
        debug: (m) => cronLog.debug(String(m)),
      },
    });
    void task.start();
    return { stop: () => void task.destroy() };
  };
}
