/**
 * Rate pacing, as in the benchmark's sender: a timer tick every TICK_MS sends a batch sized so that the
 * cumulative count follows rate × elapsed (line i is due at i / rate seconds, so the first goes out at once).
 * A batch is capped at 4 ticks' worth: a sender that falls behind (a slow TCP receiver, a busy machine) shows it
 * as a lower achieved rate instead of catching up in one huge burst. The run ends at the duration, even when
 * behind; when every line went out early it waits out the rest, so the achieved rate is honest.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export const TICK_MS = 10;

export type StopReason = 'duration' | 'signal' | 'error';

export interface PaceOptions {
  readonly rate: number;
  readonly durationMs: number;
  /** Aborting ends the run (a batch waiting for the transport stops waiting). */
  readonly signal: AbortSignal;
  /** Monotonic milliseconds (performance.now). */
  readonly now: () => number;
}

export interface PaceResult {
  readonly sent: number;
  readonly elapsedMs: number;
  readonly stoppedBy: StopReason;
}

/**
 * Calls `sendBatch(n)` until rate × duration lines are out, the duration is over or the signal aborts.
 * `sendBatch` returns false, having sent nothing, when the transport is broken: the run stops there. Its
 * signal aborts on `options.signal` and at the end of the duration, so waiting on a stalled receiver cannot
 * stretch the run.
 */
export async function pace(options: PaceOptions, sendBatch: (count: number, signal: AbortSignal) => Promise<boolean>): Promise<PaceResult> {
  const { rate, durationMs, signal, now } = options;
  const total = Math.floor((rate * durationMs) / 1000);
  const perMs = rate / 1000;
  const maxBatch = Math.max(1, Math.ceil(perMs * TICK_MS * 4));
  const t0 = now();
  const batchSignal = AbortSignal.any([signal, AbortSignal.timeout(durationMs)]);
  let sent = 0;
  let stoppedBy: StopReason = 'duration';
  const wait = (ms: number) => sleep(ms, undefined, { signal }).catch(() => undefined);
  for (;;) {
    if (signal.aborted) {
      stoppedBy = 'signal';
      break;
    }
    const elapsed = now() - t0;
    // At the deadline, whatever was due by then still goes out (a late last tick must not lose the last lines).
    const due = Math.min(total, Math.floor(Math.min(elapsed, durationMs) * perMs) + 1, sent + maxBatch) - sent;
    if (due > 0) {
      if (!(await sendBatch(due, batchSignal))) {
        stoppedBy = 'error';
        break;
      }
      sent += due;
    }
    if (elapsed >= durationMs) break;
    await wait(sent >= total ? durationMs - elapsed : TICK_MS);
  }
  return { sent, elapsedMs: now() - t0, stoppedBy };
}
