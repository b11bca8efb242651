/**
 * StreamFramer's carry: the bytes of an unfinished frame from earlier chunks, copied in once and handed over whole
 * when the frame completes. A buffer for an octet-counted body (whose size is known) is sized exactly; otherwise it
 * grows by doubling, from 256 bytes, a step at most `maxBytes` (the framer's maxFrameBytes + 1).
 */
export class FrameCarry {
  readonly #maxBytes: number;
  #buf: Buffer | null = null;
  #len = 0;

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  /** Bytes held; they are [0, length) of the buffer take() returns. */
  get length(): number {
    return this.#len;
  }

  /** Copy src[start, end) in; `exactSize` > 0 sizes a new buffer exactly (octet-counted bodies). */
  append(src: Buffer, start: number, end: number, exactSize: number): void {
    const need = this.#len + (end - start);
    let buf = this.#buf;
    if (buf === null || buf.length < need) {
      const cap = exactSize > 0 ? exactSize : Math.min(Math.max(need, (buf?.length ?? 0) * 2, 256), this.#maxBytes);
      const grown = Buffer.allocUnsafe(Math.max(cap, need));
      if (buf !== null) buf.copy(grown, 0, 0, this.#len);
      buf = this.#buf = grown;
    }
    src.copy(buf, this.#len, start, end);
    this.#len = need;
  }

  /** Hand the buffer over (the receiver may keep it; read `length` first) and start empty. Only when length > 0. */
  take(): Buffer {
    const buf = this.#buf!;
    this.release();
    return buf;
  }

  release(): void {
    this.#buf = null;
    this.#len = 0;
  }
}
