/**
 * What the appliance must report for one TCP connection's byte stream: the project's own StreamFramer run here,
 * in the fuzz process, over exactly the bytes the connection writes, in the sender's chunks rather than the
 * appliance's reads. The framer decides every frame boundary from the bytes alone (RFC 6587 needs no lookahead),
 * so both runs must agree: frames delivered, their bytes, and drops by reason. A difference means a frame was lost
 * or miscounted between the socket and the metrics, or the framer depends on how the stream was cut into reads.
 */
import { StreamFramer, type FramerEndMode } from '../ingest/framing.js';
import type { DropReason } from '../ingest/types.js';

export type DropCounts = Partial<Record<DropReason, number>>;

export interface StreamOutcome {
  readonly frames: number;
  readonly frameBytes: number;
  readonly drops: DropCounts;
  /** Bytes pushed into the framer. */
  readonly bytesIn: number;
  /** Bytes of dropped frames, and framing overhead (octet-count headers, terminators, a stripped CR). */
  readonly droppedBytes: number;
  readonly overheadBytes: number;
}

export const EMPTY_OUTCOME: StreamOutcome = { frames: 0, frameBytes: 0, drops: {}, bytesIn: 0, droppedBytes: 0, overheadBytes: 0 };

/** Runs the framer over `chunks` and ends the stream the way the appliance would (FIN: flush, cut: discard). */
export function modelStream(chunks: readonly Buffer[], maxFrameBytes: number, mode: FramerEndMode): StreamOutcome {
  const drops: DropCounts = {};
  const framer = new StreamFramer({
    maxFrameBytes,
    onFrame: () => undefined,
    onDrop: (reason) => {
      drops[reason] = (drops[reason] ?? 0) + 1;
    },
  });
  for (const c of chunks) framer.push(c);
  framer.end(mode);
  const s = framer.stats();
  if (s.bytesIn !== s.frameBytes + s.droppedBytes + s.overheadBytes) {
    throw new Error(`framer byte accounting broken: ${s.bytesIn} in, ${s.frameBytes} framed + ${s.droppedBytes} dropped + ${s.overheadBytes} overhead`);
  }
  return { frames: s.frames, frameBytes: s.frameBytes, drops, bytesIn: s.bytesIn, droppedBytes: s.droppedBytes, overheadBytes: s.overheadBytes };
}

export function addOutcomes(a: StreamOutcome, b: StreamOutcome): StreamOutcome {
  return {
    frames: a.frames + b.frames,
    frameBytes: a.frameBytes + b.frameBytes,
    drops: addDrops(a.drops, b.drops),
    bytesIn: a.bytesIn + b.bytesIn,
    droppedBytes: a.droppedBytes + b.droppedBytes,
    overheadBytes: a.overheadBytes + b.overheadBytes,
  };
}

export function addDrops(a: DropCounts, b: DropCounts): DropCounts {
  const out: DropCounts = { ...a };
  for (const [reason, n] of Object.entries(b) as [DropReason, number][]) out[reason] = (out[reason] ?? 0) + n;
  return out;
}

export function sameOutcome(a: StreamOutcome, b: StreamOutcome): boolean {
  if (a.frames !== b.frames || a.frameBytes !== b.frameBytes) return false;
  const reasons = new Set([...Object.keys(a.drops), ...Object.keys(b.drops)]) as Set<DropReason>;
  for (const r of reasons) if ((a.drops[r] ?? 0) !== (b.drops[r] ?? 0)) return false;
  return true;
}
