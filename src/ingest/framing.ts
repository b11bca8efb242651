/**
 * RFC 6587 stream framing for TCP/TLS, detected per frame:
 * - octet counting: `<len> <msg>` where len is [1-9][0-9]* (at most 10 digits) followed by one space;
 * - non-transparent framing: anything else runs to the next LF or NUL; one trailing CR is stripped (CRLF).
 *
 * Pure and synchronous: push() calls onFrame (or onFrameAt)/onDrop before it returns. Frames are slices of the
 * pushed chunk (zero copy) unless a frame spans chunks, in which case its bytes are copied once into a carry buffer
 * that is then handed over. onFrameAt gets the frame as a range of that buffer, so that no Buffer object is made
 * per frame. Receivers must not mutate frame bytes. Memory per framer is bounded by maxFrameBytes + 1.
 *
 * Every pushed byte ends up in exactly one of: a delivered frame, a dropped frame, or framing overhead
 * (octet-count header, LF/NUL terminators, the stripped CR); `stats()` exposes the sums.
 *
 * The carry lives in frame-carry.ts; the rest stays here because the header parse, the body/line scan and the byte
 * accounting all read and write the same per-frame state (count, segment start, carry, trailer flag) mid-chunk.
 */
import { FrameCarry } from './frame-carry.js';
import type { DropReason } from './types.js';

const LF = 0x0a;
const CR = 0x0d;
const NUL = 0x00;
const SP = 0x20;
const DIGIT_0 = 0x30;
const DIGIT_1 = 0x31;
const DIGIT_9 = 0x39;
const EMPTY = Buffer.alloc(0);

/** An octet count longer than this many digits is not believed (bad_frame). */
export const MAX_OCTET_COUNT_DIGITS = 10;

export interface StreamFramerOptions {
  /** Longest frame delivered; longer frames are discarded without buffering and reported as 'oversize'. */
  readonly maxFrameBytes: number;
  /**
   * Octet counts above this are treated as garbage ('bad_frame', resync at the next LF/NUL) rather than skipped:
   * a sender that is not really octet counting must not make us swallow gigabytes. Default: max(16 × maxFrameBytes, 1 MiB).
   */
  readonly maxOctetCount?: number;
  /** A complete frame, without framing. The buffer may share memory with the pushed chunk. */
  readonly onFrame?: (bytes: Buffer) => void;
  /**
   * Instead of onFrame: a complete frame as the range [start, end) of `buf` (the pushed chunk, or the carry that a
   * frame spanning chunks was copied into; the receiver may keep it). One of onFrame and onFrameAt is required.
   */
  readonly onFrameAt?: (buf: Buffer, start: number, end: number) => void;
  /** A frame (or would-be frame) thrown away: oversize, bad_frame, empty, truncated. */
  readonly onDrop: (reason: DropReason) => void;
}

/** How end() treats an unfinished frame. */
export type FramerEndMode =
  /** The peer closed cleanly: an unterminated line is delivered (many senders omit the last LF). */
  | 'flush'
  /** The connection failed or was cut: any unfinished frame is 'truncated'. */
  | 'discard';

export interface FramerStats {
  readonly bytesIn: number;
  readonly frames: number;
  readonly frameBytes: number;
  readonly drops: number;
  readonly droppedBytes: number;
  readonly overheadBytes: number;
  /** Bytes held for an unfinished frame (0 after end()). */
  readonly pendingBytes: number;
}

type State =
  | 'start' // at a frame boundary
  | 'count' // reading the digits of a possible octet count
  | 'octets' // reading an octet-counted body
  | 'skip' // skipping an oversize octet-counted body
  | 'line' // reading a line up to LF/NUL
  | 'discard'; // discarding up to the next LF/NUL (oversize line or bad count)

export class StreamFramer {
  readonly #maxFrameBytes: number;
  readonly #maxOctetCount: number;
  readonly #onFrameAt: (buf: Buffer, start: number, end: number) => void;
  readonly #onDrop: (reason: DropReason) => void;

  #state: State = 'start';
  /** Bytes of the unfinished frame from earlier chunks. */
  readonly #carry: FrameCarry;
  /** 'count': value so far; 'octets'/'skip': body bytes still to come. */
  #count = 0;
  #digits = 0;
  /** An empty line right after an octet-counted frame is the sender's trailer, not an empty frame. */
  #trailerAllowed = false;
  #frameFollowsOctets = false;
  /** The range #takeFrame found (second and third results, kept here rather than in an object per frame). */
  #frameStart = 0;
  #frameEnd = 0;
  #ended = false;
  #pushing = false;

  #bytesIn = 0;
  #frames = 0;
  #frameBytes = 0;
  #drops = 0;
  #droppedBytes = 0;
  #overheadBytes = 0;

  constructor(options: StreamFramerOptions) {
    if (!Number.isInteger(options.maxFrameBytes) || options.maxFrameBytes < 1) {
      throw new RangeError(`maxFrameBytes must be a positive integer, got ${options.maxFrameBytes}`);
    }
    this.#maxFrameBytes = options.maxFrameBytes;
    this.#maxOctetCount = options.maxOctetCount ?? Math.max(options.maxFrameBytes * 16, 1024 * 1024);
    const { onFrame, onFrameAt } = options;
    if (onFrameAt !== undefined) this.#onFrameAt = onFrameAt;
    else if (onFrame !== undefined) this.#onFrameAt = (buf, start, end) => onFrame(buf.subarray(start, end));
    else throw new TypeError('StreamFramer needs onFrame or onFrameAt');
    this.#onDrop = options.onDrop;
    this.#carry = new FrameCarry(options.maxFrameBytes + 1);
  }

  /** Frame a chunk. Not re-entrant: onFrame/onDrop must not call push() or end(). */
  push(chunk: Buffer): void {
    if (this.#ended || this.#pushing) throw new Error('StreamFramer.push() after end() or from inside a callback');
    const n = chunk.length;
    this.#bytesIn += n;
    let i = 0;
    /** Where the unfinished frame's bytes begin in this chunk (earlier bytes are in the carry). */
    let segStart = 0;
    // Next LF / NUL at or after the scan position, cached so that a chunk is scanned once (n = none left).
    let lfAt = -1;
    let nulAt = -1;

    this.#pushing = true;
    try {
      while (i < n) {
        switch (this.#state) {
          case 'start': {
            const b = chunk[i]!;
            this.#frameFollowsOctets = this.#trailerAllowed;
            this.#trailerAllowed = false;
            segStart = i;
            if (b >= DIGIT_1 && b <= DIGIT_9) {
              this.#state = 'count';
              this.#count = b - DIGIT_0;
              this.#digits = 1;
              i++;
            } else {
              this.#state = 'line';
            }
            break;
          }

          case 'count': {
            let b = chunk[i]!;
            while (b >= DIGIT_0 && b <= DIGIT_9) {
              if (this.#digits === MAX_OCTET_COUNT_DIGITS) {
                // Too many digits for a believable count: drop what we have, resynchronise at the next LF/NUL.
                this.#dropUnfinished('bad_frame', i - segStart);
                this.#state = 'discard';
                break;
              }
              this.#count = this.#count * 10 + (b - DIGIT_0);
              this.#digits++;
              if (++i === n) break;
              b = chunk[i]!;
            }
            if (this.#state !== 'count' || i === n) break;
            if (b !== SP) {
              // Digits followed by something else: an ordinary line that happens to start with digits.
              this.#state = 'line';
              break;
            }
            i++;
            const headerBytes = this.#digits + 1;
            this.#carry.release();
            const count = this.#count;
            if (count > this.#maxOctetCount) {
              this.#droppedBytes += headerBytes;
              this.#drop('bad_frame');
              this.#state = 'discard';
            } else if (count > this.#maxFrameBytes) {
              this.#droppedBytes += headerBytes;
              this.#drop('oversize');
              this.#state = 'skip';
            } else {
              this.#overheadBytes += headerBytes;
              this.#state = 'octets';
              segStart = i;
            }
            break;
          }

          case 'octets': {
            const end = i + this.#count;
            if (end <= n) {
              this.#finishOctets(chunk, segStart, end);
              i = end;
            } else {
              this.#count -= n - i;
              i = n;
            }
            break;
          }

          case 'skip': {
            const take = Math.min(this.#count, n - i);
            this.#count -= take;
            this.#droppedBytes += take;
            i += take;
            if (this.#count === 0) {
              this.#state = 'start';
              this.#trailerAllowed = true;
            }
            break;
          }

          case 'line':
          case 'discard': {
            if (lfAt < i) lfAt = indexOrEnd(chunk, LF, i);
            if (nulAt < i) nulAt = indexOrEnd(chunk, NUL, i);
            const t = lfAt < nulAt ? lfAt : nulAt;
            if (this.#state === 'discard') {
              this.#droppedBytes += t - i;
            } else if (t === n) {
              if (this.#carry.length + (n - segStart) > this.#maxFrameBytes + 1) {
                // +1: room for the CR of a CRLF that has not arrived yet.
                this.#dropUnfinished('oversize', n - segStart);
                this.#state = 'discard';
              }
            } else {
              this.#finishLine(chunk, segStart, t);
            }
            if (t < n) {
              this.#overheadBytes++;
              this.#state = 'start';
            }
            i = t === n ? n : t + 1;
            break;
          }
        }
      }
    } finally {
      this.#pushing = false;
    }
    if ((this.#state === 'count' || this.#state === 'line' || this.#state === 'octets') && segStart < n) {
      this.#carry.append(chunk, segStart, n, this.#state === 'octets' ? this.#carry.length + n - segStart + this.#count : 0);
    }
  }

  /** The stream is over. Idempotent; push() after end() throws. */
  end(mode: FramerEndMode = 'flush'): void {
    if (this.#pushing) throw new Error('StreamFramer.end() called from inside onFrame/onDrop');
    if (this.#ended) return;
    this.#ended = true;
    switch (this.#state) {
      case 'line':
        if (mode === 'flush') {
          this.#finishLine(null, 0, 0);
        } else {
          this.#droppedBytes += this.#carry.length;
          this.#drop('truncated');
        }
        break;
      case 'count':
      case 'octets':
        // A bare digit run or a partial octet-counted body cannot be completed.
        this.#droppedBytes += this.#carry.length;
        this.#drop('truncated');
        break;
      default:
        // 'start': nothing pending; 'skip'/'discard': already reported when the frame was found oversize/bad.
        break;
    }
    this.#carry.release();
    this.#state = 'start';
  }

  stats(): FramerStats {
    return {
      bytesIn: this.#bytesIn,
      frames: this.#frames,
      frameBytes: this.#frameBytes,
      drops: this.#drops,
      droppedBytes: this.#droppedBytes,
      overheadBytes: this.#overheadBytes,
      pendingBytes: this.#carry.length,
    };
  }

  /** A line ended at chunk[end] (exclusive) or, with chunk null, at end of stream. */
  #finishLine(chunk: Buffer | null, start: number, end: number): void {
    if (this.#carry.length + (end - start) > this.#maxFrameBytes + 1) {
      this.#dropUnfinished('oversize', end - start);
      return;
    }
    const buf = this.#takeFrame(chunk, start, end);
    start = this.#frameStart;
    end = this.#frameEnd;
    if (end > start && buf[end - 1] === CR) {
      end--;
      this.#overheadBytes++;
    }
    this.#deliver(buf, start, end);
  }

  /** An octet-counted body is complete at chunk[end]. */
  #finishOctets(chunk: Buffer, start: number, end: number): void {
    const buf = this.#takeFrame(chunk, start, end);
    start = this.#frameStart;
    end = this.#frameEnd;
    // The body should carry no trailer, but some senders count their LF / CRLF / NUL in: strip one.
    const last = end > start ? buf[end - 1] : undefined;
    if (last === LF || last === NUL) {
      let cut = 1;
      if (end - start > 1 && buf[end - 2] === CR) cut = 2;
      end -= cut;
      this.#overheadBytes += cut;
    }
    this.#state = 'start';
    this.#frameFollowsOctets = false;
    this.#deliver(buf, start, end);
    this.#trailerAllowed = true;
  }

  #deliver(buf: Buffer, start: number, end: number): void {
    const len = end - start;
    if (len > this.#maxFrameBytes) {
      this.#droppedBytes += len;
      this.#drop('oversize');
    } else if (len === 0) {
      if (!this.#frameFollowsOctets) this.#drop('empty');
    } else {
      this.#frames++;
      this.#frameBytes += len;
      this.#onFrameAt(buf, start, end);
    }
  }

  #drop(reason: DropReason): void {
    this.#drops++;
    this.#onDrop(reason);
  }

  /** Drop the unfinished frame: the carry plus `chunkBytes` of this chunk. */
  #dropUnfinished(reason: DropReason, chunkBytes: number): void {
    this.#droppedBytes += this.#carry.length + chunkBytes;
    this.#carry.release();
    this.#drop(reason);
  }

  /**
   * The frame made of the carry plus chunk[start, end): the buffer it is in, its range in #frameStart/#frameEnd.
   * Hands the carry over (no copy when there is none).
   */
  #takeFrame(chunk: Buffer | null, start: number, end: number): Buffer {
    const carry = this.#carry;
    if (carry.length === 0) {
      this.#frameStart = chunk === null ? 0 : start;
      this.#frameEnd = chunk === null ? 0 : end;
      return chunk ?? EMPTY;
    }
    if (chunk !== null && end > start) carry.append(chunk, start, end, 0);
    this.#frameStart = 0;
    this.#frameEnd = carry.length;
    return carry.take();
  }
}

function indexOrEnd(chunk: Buffer, byte: number, from: number): number {
  const at = chunk.indexOf(byte, from);
  return at < 0 ? chunk.length : at;
}
