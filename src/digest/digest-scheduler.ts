/** When the daily digest runs: a node-cron task by default (tests inject their own scheduler and call digestNow()). */
import { startCronTask } from '../cron-task.js';
import type { Logger } from '../log.js';

/** Starts running `run` on a cron schedule read in `timezone`; the returned handle stops it for good. */
export type DigestScheduler = (schedule: string, timezone: string, run: () => unknown) => { stop(): void };

/** The default: a node-cron task in the digest's time zone, unref'd so it never keeps the process alive. */
export function cronDigestScheduler(log: Logger): DigestScheduler {
  return (schedule, timezone, run) => startCronTask({ name: 'digest', schedule, timezone, run, log });
}

/** True for a zone name node-cron can schedule in (it uses Intl): 'UTC' or an IANA name such as 'Europe/Berlin'. */
export function isCronTimezone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/**
 * The zone a digest without its own `timezone` runs in, from the config's top-level `timezone`: an IANA name
 * or UTC as it is, a whole-hour offset as the matching Etc/GMT zone ('+02:00' → 'Etc/GMT-2', POSIX signs), and
 * null for any other offset ('+05:30'), which node-cron cannot express: the config must then name a zone.
 */
export function cronTimezoneFor(topLevel: string): string | null {
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(topLevel);
  if (m === null) return isCronTimezone(topLevel) ? topLevel : null;
  const hours = Number(m[2]);
  if (m[3] !== '00') return null;
  if (hours === 0) return 'UTC';
  const zone = `Etc/GMT${m[1] === '+' ? '-' : '+'}${hours}`;
  return isCronTimezone(zone) ? zone : null;
}
