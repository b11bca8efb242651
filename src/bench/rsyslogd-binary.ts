/** Finds rsyslogd for the rsyslog column: on PATH, else in /usr/sbin or /sbin (not on a normal user's PATH on Debian). */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const RSYSLOGD_CANDIDATES = ['rsyslogd', '/usr/sbin/rsyslogd', '/sbin/rsyslogd'] as const;

export interface RsyslogdBinary {
  readonly path: string;
  /** `rsyslogd -v`'s first line without the trailing "compiled with:", e.g. `rsyslogd 8.2302.0 (aka 2023.02)`. */
  readonly version: string;
}

/** The first candidate that runs `-v`; null when none does. */
export async function findRsyslogd(): Promise<RsyslogdBinary | null> {
  for (const path of RSYSLOGD_CANDIDATES) {
    try {
      const { stdout } = await run(path, ['-v'], { timeout: 10_000 });
      return { path, version: stdout.split('\n')[0]!.replace(/\s+/g, ' ').replace(/ compiled with:$/, '').trim() };
    } catch {
      // not there or not runnable: the next candidate
    }
  }
  return null;
}
