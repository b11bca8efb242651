/**
 * One fuzz TCP connection, planned before it is opened: the bodies (generators.ts), how each is framed (honest
 * LF / CRLF / NUL / octet counting, or a lying octet count), where the writes are split, and how the connection
 * ends. The plan carries what the appliance must then report for it (stream-model.ts).
 */
import { MAX_OCTET_COUNT_DIGITS } from '../ingest/framing.js';
import type { Random } from '../simulate/prng.js';
import { TCP_LIMITS, generatePayload, pickFamily, type PayloadFamily } from './generators.js';
import { modelStream, sameOutcome, type StreamOutcome } from './stream-model.js';

export const STREAM_FRAMINGS = [
  'lf',
  'crlf',
  'nul',
  'octet', // an honest count
  'octet_short_count', // a count below the body's length: the rest of the body becomes the next frame
  'octet_long_count', // a count above it: the next frame's bytes are taken into this one
  'octet_oversize_count', // a count above maxFrameBytes: that many bytes are skipped (oversize)
  'octet_bad_count', // a count nobody believes (above maxOctetCount, or 11+ digits): bad_frame, resync at LF/NUL
] as const;
export type StreamFraming = (typeof STREAM_FRAMINGS)[number];

/**
 * - fin: the connection ends cleanly after its last frame;
 * - fin_mid_frame: it ends cleanly in the middle of a frame (an unterminated line is delivered, a partial
 *   octet-counted body is truncated);
 * - rst: it is reset (SO_LINGER 0) in the middle of an octet-counted body: truncated.
 */
export type StreamEnding = 'fin' | 'fin_mid_frame' | 'rst';

export interface StreamPlanOptions {
  readonly payloads: number;
  readonly maxFrameBytes: number;
  /**
   * How it ends. Default: fin or fin_mid_frame. A reset is only asked for where the sender can first make sure the
   * appliance has accepted the connection (reset-phase.ts): a connection reset while it still waits in the
   * listen backlog is read as from an unknown sender, which the per-connection accounting cannot attribute.
   */
  readonly ending?: StreamEnding;
}

export interface StreamPlan {
  /** The connection's bytes, one write each. */
  readonly writes: readonly Buffer[];
  readonly bytes: number;
  readonly ending: StreamEnding;
  readonly framing: 'lf' | 'octet' | 'mixed';
  readonly payloads: number;
  readonly families: Partial<Record<PayloadFamily, number>>;
  readonly framings: Partial<Record<StreamFraming, number>>;
  /** What the appliance must count for this connection. */
  readonly expected: StreamOutcome;
}

/** A reset only reaches the appliance after everything written before it if it all fits in the peer's window. */
const MAX_RST_CONNECTION_BYTES = 32 * 1024;

export function maxOctetCount(maxFrameBytes: number): number {
  return Math.max(16 * maxFrameBytes, 1024 * 1024);
}

export function frameBody(rng: Random, body: Buffer, framing: StreamFraming, maxFrameBytes: number): Buffer {
  const len = body.length;
  switch (framing) {
    case 'lf':
      return Buffer.concat([body, Buffer.from('\n')]);
    case 'crlf':
      return Buffer.concat([body, Buffer.from('\r\n')]);
    case 'nul':
      return Buffer.concat([body, Buffer.from([0])]);
    case 'octet':
      return withCount(String(len), body);
    case 'octet_short_count':
      return withCount(String(len > 1 ? rng.int(1, len - 1) : 1), body);
    case 'octet_long_count':
      return withCount(String(len + rng.int(1, 500)), body);
    case 'octet_oversize_count': {
      const limit = maxOctetCount(maxFrameBytes);
      const count = rng.chance(0.9) ? maxFrameBytes + rng.int(1, 4096) : rng.int(maxFrameBytes + 1, limit);
      return withCount(String(count), body);
    }
    case 'octet_bad_count': {
      const digits = rng.int(MAX_OCTET_COUNT_DIGITS + 1, 20);
      const count = rng.pick([
        String(maxOctetCount(maxFrameBytes) + rng.int(1, 1000)),
        String(2 ** 31),
        '9999999999',
        '1' + '0'.repeat(digits - 1),
      ]);
      return withCount(count, body);
    }
  }
}

function withCount(count: string, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${count} `), body]);
}

function pickFraming(rng: Random, style: StreamPlan['framing']): StreamFraming {
  if (style === 'mixed') return rng.pick(STREAM_FRAMINGS);
  if (rng.chance(0.03)) return rng.pick(['octet_short_count', 'octet_long_count', 'octet_oversize_count', 'octet_bad_count'] as const);
  if (style === 'octet') return 'octet';
  return rng.weighted([
    [80, 'lf'],
    [15, 'crlf'],
    [5, 'nul'],
  ] as const);
}

/** A partial octet-counted frame: the header and some, never all, of its body. */
function partialOctetFrame(rng: Random): Buffer {
  const body = Buffer.from(`<13>1 - - - - - - cut ${'x'.repeat(rng.int(1, 200))}`);
  return withCount(String(body.length), body.subarray(0, rng.int(0, body.length - 1)));
}

/** A partial line: no terminator. */
function partialLine(rng: Random): Buffer {
  return Buffer.from(`<13>1 - - - - - - unterminated ${'y'.repeat(rng.int(0, 100))}`);
}

export function planStream(rng: Random, options: StreamPlanOptions): StreamPlan {
  const framing = rng.weighted([
    [45, 'lf'],
    [35, 'octet'],
    [20, 'mixed'],
  ] as const);
  const families: Partial<Record<PayloadFamily, number>> = {};
  const framings: Partial<Record<StreamFraming, number>> = {};
  const parts: Buffer[] = [];
  for (let i = 0; i < options.payloads; i++) {
    const family = pickFamily(rng);
    const f = pickFraming(rng, framing);
    families[family] = (families[family] ?? 0) + 1;
    framings[f] = (framings[f] ?? 0) + 1;
    parts.push(frameBody(rng, generatePayload(rng, family, TCP_LIMITS), f, options.maxFrameBytes));
  }
  let body = Buffer.concat(parts);
  let ending: StreamEnding =
    options.ending ??
    rng.weighted([
      [80, 'fin'],
      [20, 'fin_mid_frame'],
    ] as const);
  let expected: StreamOutcome;
  if (ending === 'rst' && body.length <= MAX_RST_CONNECTION_BYTES) {
    // A reset connection may reach the appliance as an error (unfinished frame discarded) or, when its bytes are
    // still queued, as a plain end of stream (unfinished line delivered). Cut where both mean the same: inside an
    // octet-counted body. Earlier lying counts may leave the framer elsewhere; then terminate and cut again.
    let settled: StreamOutcome | null = null;
    for (let tries = 0; tries < 5 && settled === null; tries++) {
      body = Buffer.concat([body, tries === 0 ? Buffer.alloc(0) : Buffer.from('\n'), partialOctetFrame(rng)]);
      const cut = modelStream([body], options.maxFrameBytes, 'discard');
      // truncated only comes from end(): at least one means the cut is inside a frame.
      if ((cut.drops.truncated ?? 0) > 0 && sameOutcome(cut, modelStream([body], options.maxFrameBytes, 'flush'))) settled = cut;
    }
    if (settled === null) {
      ending = 'fin_mid_frame';
      expected = modelStream([body], options.maxFrameBytes, 'flush');
    } else {
      expected = settled;
    }
  } else {
    if (ending === 'rst') ending = 'fin_mid_frame';
    if (ending === 'fin_mid_frame') body = Buffer.concat([body, rng.chance(0.5) ? partialOctetFrame(rng) : partialLine(rng)]);
    expected = modelStream([body], options.maxFrameBytes, 'flush');
  }
  const writes = splitWrites(rng, body);
  // The model ran over the whole stream at once; the writes are another cut of the same bytes.
  return { writes, bytes: body.length, ending, framing, payloads: options.payloads, families, framings, expected };
}

/** Splits the stream at random points: whole 64 KiB pieces, a few KiB, or (small streams) a few bytes each. */
export function splitWrites(rng: Random, body: Buffer): Buffer[] {
  const style = body.length <= 16 * 1024 && rng.chance(0.3) ? 'tiny' : rng.pick(['large', 'random'] as const);
  const [lo, hi] = style === 'tiny' ? [1, 16] : style === 'random' ? [1, 4096] : [16 * 1024, 64 * 1024];
  const writes: Buffer[] = [];
  for (let at = 0; at < body.length; ) {
    const n = Math.min(rng.int(lo, hi), body.length - at);
    writes.push(body.subarray(at, at + n));
    at += n;
  }
  return writes;
}
