/** Our open-file limit (from /proc), and memory figures in MiB. Resident memory itself: src/harness/process-memory.ts. */
import { readFileSync } from 'node:fs';

export const MiB = 1024 * 1024;

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
