/**
 * The RawFrame a TCP/TLS connection hands on: its text is decoded straight from the received chunk (no Buffer
 * object per frame on the way), and `bytes`, a view of the chunk, is made only if something reads it (a rule's
 * sample). The pipeline parses `text` when a frame has one (DecodedFrame).
 */
import type { RawFrame } from './types.js';

/** A RawFrame that also carries its bytes decoded as UTF-8 (what `bytes.toString()` gives). */
export interface DecodedFrame extends RawFrame {
  readonly text: string;
}

export class StreamFrame implements DecodedFrame {
  readonly text: string;
  readonly #buf: Buffer;
  readonly #start: number;
  readonly #end: number;
  #bytes: Buffer | null = null;

  /** The frame is buf[start, end). */
  constructor(
    buf: Buffer,
    start: number,
    end: number,
    readonly receivedAt: number,
    readonly receivedMono: number,
    readonly transport: 'tcp' | 'tls',
    readonly remoteAddress: string,
    readonly remotePort: number,
    readonly listener: string,
  ) {
    this.#buf = buf;
    this.#start = start;
    this.#end = end;
    this.text = buf.toString(undefined, start, end); // no encoding named: UTF-8 without the encoding lookup
  }

  get bytes(): Buffer {
    this.#bytes ??= this.#buf.subarray(this.#start, this.#end);
    return this.#bytes;
  }
}
