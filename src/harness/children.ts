/**
 * Every child process the proof scripts start (the benchmark's sender and receivers, the appliances of the fuzz
 * and load runs) is registered here, so that the end of the run, an error or SIGINT stops exactly those
 * processes, by pid: SIGTERM, then SIGKILL after a grace period.
 */
import type { ChildProcess } from 'node:child_process';

const live = new Set<ChildProcess>();

export function track(child: ChildProcess): void {
  if (child.exitCode !== null || child.signalCode !== null) return;
  live.add(child);
  child.once('exit', () => live.delete(child));
}

export function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Stops one child: SIGTERM (or `signal`), SIGKILL if it has not exited after graceMs. Resolves once it exited. */
export function stopChild(child: ChildProcess, graceMs = 3000, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (hasExited(child)) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      if (!hasExited(child)) child.kill('SIGKILL');
    }, graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill(signal);
  });
}

/** Stops every registered child that is still running. */
export async function stopAllChildren(graceMs = 3000): Promise<void> {
  await Promise.all([...live].map((c) => stopChild(c, graceMs)));
}

/** Last-resort, synchronous: for process 'exit', where nothing asynchronous runs any more. */
export function killAllChildrenNow(): void {
  for (const c of live) {
    if (!hasExited(c)) c.kill('SIGKILL');
  }
}
