/** One node-cron task (GC, digest): unref'd so it never keeps the process alive, never overlapping itself, logging through pino. */
import { createTask } from 'node-cron';
import type { Logger } from './log.js';

export interface CronTaskOptions {
  readonly name: string;
  readonly schedule: string;
  /** IANA zone the schedule is read in; node-cron's default (the process zone) when absent. */
  readonly timezone?: string;
  readonly run: () => unknown;
  readonly log: Logger;
}

/** Starts the task; the returned handle stops it for good. */
export function startCronTask(o: CronTaskOptions): { stop(): void } {
  const cronLog = o.log.child({ component: o.name });
  const task = createTask(o.schedule, o.run, {
    name: o.name,
    ...(o.timezone === undefined ? {} : { timezone: o.timezone }),
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
}
