import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { StateWriter } from '../../src/alert/state-writer.js';

/** A file whose writes complete when the test says so. */
function slowFile() {
  const writes: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const finishers: (() => void)[] = [];
  return {
    writes,
    get maxInFlight() {
      return maxInFlight;
    },
    finishAll() {
      for (const f of finishers.splice(0)) f();
    },
    file: {
      path: '/state/x.json',
      write: (data: string) =>
        new Promise<void>((resolve) => {
          writes.push(data);
          maxInFlight = Math.max(maxInFlight, ++inFlight);
          finishers.push(() => {
            inFlight--;
            resolve();
          });
        }),
    },
  };
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('StateWriter', () => {
  it('coalesces changes into one write per interval and never runs two writes at once', async () => {
    const f = slowFile();
    let version = 0;
    const writer = new StateWriter({ file: f.file, snapshot: () => ({ version }), minIntervalMs: 20, log: pino({ level: 'silent' }), onError: () => {} });
    for (version = 1; version <= 5; version++) writer.markDirty();
    expect(f.writes).toEqual([]); // debounced: nothing on the hot path
    await vi.waitFor(() => expect(f.writes).toEqual(['{"version":6}']), { timeout: 2000, interval: 5 });
    writer.markDirty(); // during the write
    writer.markDirty();
    await wait(40);
    expect(f.writes).toHaveLength(1); // the next write waits for the first to finish
    f.finishAll();
    await vi.waitFor(() => expect(f.writes).toHaveLength(2), { timeout: 2000, interval: 5 });
    f.finishAll();
    expect(f.maxInFlight).toBe(1);
  });

  it('flush() writes pending changes at once and waits for them', async () => {
    const f = slowFile();
    const writer = new StateWriter({ file: f.file, snapshot: () => 'latest', minIntervalMs: 60_000, log: pino({ level: 'silent' }), onError: () => {} });
    writer.markDirty();
    const flushed = writer.flush();
    let done = false;
    void flushed.then(() => (done = true));
    await vi.waitFor(() => expect(f.writes).toEqual(['"latest"']), { timeout: 2000, interval: 5 });
    expect(done).toBe(false);
    f.finishAll();
    await flushed;
    await writer.flush(); // nothing pending: no write
    expect(f.writes).toHaveLength(1);
  });

  it('counts a failed write and does not reject flush()', async () => {
    let errors = 0;
    const writer = new StateWriter({
      file: { path: '/x', write: () => Promise.reject(new Error('disk full')) },
      snapshot: () => 1,
      minIntervalMs: 10,
      log: pino({ level: 'silent' }),
      onError: () => errors++,
    });
    writer.markDirty();
    await writer.flush();
    expect(errors).toBe(1);
  });
});
