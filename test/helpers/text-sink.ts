/** A Writable that keeps what is written (for a command's stdout/stderr in tests); optionally slow to drain. */
import { Writable } from 'node:stream';

export class TextSink extends Writable {
  readonly chunks: Buffer[] = [];

  /** `delayMs`: each write completes only after this long, so a writer meets backpressure. */
  constructor(private readonly delayMs = 0, highWaterMark?: number) {
    super(highWaterMark === undefined ? {} : { highWaterMark });
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    this.chunks.push(Buffer.from(chunk));
    if (this.delayMs > 0) setTimeout(done, this.delayMs);
    else done();
  }

  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}
