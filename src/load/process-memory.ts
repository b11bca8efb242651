/** Linux /proc readings the scenarios need: a process's resident memory (now and peak) and our open-file limit. */
import { readFileSync, writeFileSync } from 'node:fs';

export interface ProcessMemory {
  /** VmRSS in bytes. */
  readonly rssBytes: number;
  /** VmHWM in bytes: the peak RSS since start or since resetPeakRss(). */
  readonly peakRssBytes: number;
}

export const MiB = 1024 * 1024;

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

/** Resets VmHWM to the current RSS (`echo 5 > /proc/PID/clear_refs`). False where that is not allowed. */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** This process's soft limit on open files (children inherit it), or null where /proc is not readable. */
export function openFileLimit(): number | null {
  try {
    const m = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    if (m === null) return null;
    return m[1] === 'unlimited' ? Number.MAX_SAFE_INTEGER : Number(m[1]);
  } catch {
    return null;
  }
}

export function mib(bytes: number): string {
  return (bytes / MiB).toFixed(1);
}
