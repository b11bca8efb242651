import { performance } from 'node:perf_hooks';
import type { DecodedFrame } from '../ingest/stream-frame.js';
import type { FrameSink, RawFrame } from '../ingest/types.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics/metrics.js';
import { parseSyslogDeferred } from '../parse/syslog.js';
import type { MessageStage, ReceivedMessage } from './types.js';

export interface PipelineOptions {
  readonly timezone: string;
  readonly metrics: Metrics;
  readonly log: Logger;
  readonly stages?: readonly MessageStage[];
}

/**
 * frame → parse → stages → metrics, synchronously, in the listener's own callback. Because each frame is
 * finished before the next read is taken off the socket, a sender faster than the pipeline is held back by
 * TCP flow control (and, for UDP, by the kernel receive buffer, whose overflow is counted as kernel drops);
 * nothing queues in user space, so `accept` never reports "behind".
 */
export class Pipeline implements FrameSink {
  readonly #metrics: Metrics;
  readonly #log: Logger;
  readonly #stages: readonly MessageStage[];
  readonly #parseOptions: { timezone: string; now: number };
  #stageErrors = 0;

  constructor(options: PipelineOptions) {
    this.#metrics = options.metrics;
    this.#log = options.log;
    this.#stages = options.stages ?? [];
    this.#parseOptions = { timezone: options.timezone, now: 0 };
  }

  accept(frame: RawFrame): boolean {
    const opts = this.#parseOptions;
    opts.now = frame.receivedAt;
    // A stream frame comes decoded (stream-frame.ts); stages rarely read the timestamp: resolved on first read.
    const text = (frame as Partial<DecodedFrame>).text;
    const syslog = parseSyslogDeferred(text === undefined ? frame.bytes : text, opts);
    this.#metrics.parsed(syslog.protocol);
    if (this.#stages.length > 0) {
      const message: ReceivedMessage = { frame, syslog, host: syslog.hostname ?? frame.remoteAddress };
      for (const stage of this.#stages) this.#runStage(stage, message);
    }
    this.#metrics.observeLatencySeconds((performance.now() - frame.receivedMono) / 1000);
    return true;
  }

  /** A throwing stage is a bug; it is logged (rate-limited by count) and the message goes on to the next stage. */
  #runStage(stage: MessageStage, message: ReceivedMessage): void {
    try {
      stage.process(message);
    } catch (err) {
      this.#stageErrors++;
      if ((this.#stageErrors & (this.#stageErrors - 1)) === 0) {
        this.#log.error({ err, stage: stage.name, errors: this.#stageErrors }, 'pipeline stage threw; message passed on');
      }
    }
  }

  /** Applies a reloaded config's time zone to messages received from now on. */
  setTimezone(timezone: string): void {
    this.#parseOptions.timezone = timezone;
  }

  onDrain(_listener: () => void): void {
    // Never behind (see the class comment): there is no drain to wait for.
  }

  offDrain(_listener: () => void): void {}
}
