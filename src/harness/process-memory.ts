/** A process's resident memory from Linux /proc, now and at its peak, for the proof scripts' memory checks. */
import { readFileSync, writeFileSync } from 'node:fs';

export interface ProcessMemory {
  /** VmRSS in bytes. */
  readonly rssBytes: number;
  /** VmHWM in bytes: the peak RSS since the process started or since resetPeakRss(). */
  readonly peakRssBytes: number;
}

/** VmRSS and VmHWM of a live process; null when it is gone (or a zombie, which has neither) or /proc is unreadable. */
export function readProcessMemory(pid: number): ProcessMemory | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null;
  }
  const kib = (field: string): number | null => {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
    return m === null ? null : Number(m[1]) * 1024;
  };
  const rss = kib('VmRSS');
  const hwm = kib('VmHWM');
  return rss === null || hwm === null ? null : { rssBytes: rss, peakRssBytes: hwm };
}

/**
 * Resets a process's peak RSS (VmHWM) to its current RSS (`echo 5 > /proc/PID/clear_refs`), so the next reading
 * is the peak of what follows. False where that is not allowed (another user's process) or not Linux.
 */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}
