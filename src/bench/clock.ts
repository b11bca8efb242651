/** Time that both the orchestrator and its child processes can compare: epoch milliseconds, sub-ms resolution. */
import { performance } from 'node:perf_hooks';

export function epochMs(): number {
  return performance.timeOrigin + performance.now();
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
