/**
 * POST /api/v1/logs: the entries of a request, already validated as a whole (request-entries.ts), go into the
 * live pipeline one by one as RawFrames, exactly as a listener hands over the frames it reads: counted as
 * received (transport "http"), parsed, run through the rules (incidents, notifiers, state) and the digest count.
 */
import { performance } from 'node:perf_hooks';
import type { FrameSink, IngestObserver, RawFrame } from '../ingest/types.js';
import type { Entry } from './request-entries.js';

/** The listener name HTTP frames carry. */
export const HTTP_API_LISTENER = 'http-api';

export interface IngestTarget {
  readonly sink: FrameSink;
  readonly observer: IngestObserver;
}

export interface Client {
  /** As the socket reports it, IPv4-mapped IPv6 normalised to IPv4 (what listeners put in a frame). */
  readonly address: string;
  readonly port: number;
}

/** Feeds every entry synchronously; the pipeline finishes each before the next (it never reports "behind"). */
export function ingestEntries(entries: readonly Entry[], client: Client, target: IngestTarget, now: () => number): void {
  const receivedAt = now();
  for (const entry of entries) {
    const frame: RawFrame = {
      bytes: entry.bytes,
      receivedAt,
      receivedMono: performance.now(),
      transport: 'http',
      remoteAddress: client.address,
      remotePort: client.port,
      listener: HTTP_API_LISTENER,
    };
    target.observer.received('http', entry.bytes.length);
    target.sink.accept(frame);
  }
}
