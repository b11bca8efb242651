import type { FrameSink, RawFrame } from '../../src/ingest/types.js';

/**
 * A FrameSink that keeps every frame. Set `behind = true` to make accept() return false (backpressure);
 * drain() clears it and notifies the drain listeners, as a real pipeline does when it catches up.
 */
export class RecordingSink implements FrameSink {
  readonly frames: RawFrame[] = [];
  behind = false;
  /** accept() calls that returned false. */
  refusals = 0;
  readonly #drainListeners = new Set<() => void>();

  accept(frame: RawFrame): boolean {
    this.frames.push(frame);
    if (this.behind) this.refusals++;
    return !this.behind;
  }

  onDrain(listener: () => void): void {
    this.#drainListeners.add(listener);
  }

  offDrain(listener: () => void): void {
    this.#drainListeners.delete(listener);
  }

  get drainListenerCount(): number {
    return this.#drainListeners.size;
  }

  drain(): void {
    this.behind = false;
    for (const l of [...this.#drainListeners]) l();
  }

  texts(): string[] {
    return this.frames.map((f) => f.bytes.toString('utf8'));
  }
}
