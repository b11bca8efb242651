/** Bounded waiting for the load scenarios: poll a condition until it holds, the time is up, or the run is aborted. */

export class WaitTimeout extends Error {}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted === true) return resolve();
    const timer = setTimeout(done, Math.max(0, ms));
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Polls `check` every `intervalMs` until it returns true. Throws WaitTimeout naming `what` (and the last
 * `describe()` text, if given) after timeoutMs, or at once when `signal` aborts.
 */
export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs: number,
  options: { signal?: AbortSignal; intervalMs?: number; describe?: () => string } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const interval = options.intervalMs ?? 25;
  for (;;) {
    if (await check()) return;
    const late = Date.now() >= deadline;
    if (late || options.signal?.aborted === true) {
      const detail = options.describe === undefined ? '' : ` (${options.describe()})`;
      throw new WaitTimeout(late ? `timed out after ${(timeoutMs / 1000).toFixed(1)} s waiting for ${what}${detail}` : `aborted while waiting for ${what}${detail}`);
    }
    await sleep(Math.min(interval, Math.max(1, deadline - Date.now())), options.signal);
  }
}
