import type { CloseReason, DropReason, IngestObserver, Transport } from '../../src/ingest/types.js';

/** An IngestObserver that tallies what it is told, keyed "transport:reason". */
export class RecordingObserver implements IngestObserver {
  receivedFrames = 0;
  receivedBytes = 0;
  opened = 0;
  readonly drops = new Map<string, number>();
  readonly closes = new Map<string, number>();

  received(_transport: Transport, bytes: number): void {
    this.receivedFrames++;
    this.receivedBytes += bytes;
  }

  dropped(transport: Transport, reason: DropReason, count = 1): void {
    const key = `${transport}:${reason}`;
    this.drops.set(key, (this.drops.get(key) ?? 0) + count);
  }

  connectionOpened(_transport: Transport): void {
    this.opened++;
  }

  connectionClosed(transport: Transport, reason: CloseReason): void {
    const key = `${transport}:${reason}`;
    this.closes.set(key, (this.closes.get(key) ?? 0) + 1);
  }

  dropCount(transport: Transport, reason: DropReason): number {
    return this.drops.get(`${transport}:${reason}`) ?? 0;
  }

  closeCount(transport: Transport, reason: CloseReason): number {
    return this.closes.get(`${transport}:${reason}`) ?? 0;
  }

  get closed(): number {
    let n = 0;
    for (const v of this.closes.values()) n += v;
    return n;
  }
}
