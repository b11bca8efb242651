import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { RawFrame } from '../../src/ingest/types.js';
import { createMetrics } from '../../src/metrics/metrics.js';
import { Pipeline } from '../../src/pipeline/pipeline.js';
import type { MessageStage, ReceivedMessage } from '../../src/pipeline/types.js';

function frame(text: string, remoteAddress = '192.0.2.7', receivedAt = Date.UTC(2026, 0, 1, 0, 0, 30)): RawFrame {
  return { bytes: Buffer.from(text), receivedAt, receivedMono: performance.now(), transport: 'udp', remoteAddress, remotePort: 40000, listener: 'udp-test' };
}

function setup(stages: MessageStage[] = [], timezone = 'UTC') {
  const registry = new Registry();
  const metrics = createMetrics(registry, { version: 't' });
  const pipeline = new Pipeline({ timezone, metrics, log: pino({ level: 'silent' }), stages });
  return { registry, metrics, pipeline };
}

class Recorder implements MessageStage {
  readonly name = 'recorder';
  readonly seen: ReceivedMessage[] = [];
  process(m: ReceivedMessage): void {
    this.seen.push(m);
  }
}

describe('Pipeline', () => {
  it('parses each frame and hands stages the message with its receive context', () => {
    const recorder = new Recorder();
    const { pipeline } = setup([recorder]);
    const f = frame('<38>Jan  1 00:00:29 web01 sshd[42]: Invalid user admin from 203.0.113.5 port 2222');
    expect(pipeline.accept(f)).toBe(true);
    const [m] = recorder.seen;
    expect(m!.frame).toBe(f);
    expect(m!.host).toBe('web01');
    expect(m!.syslog).toMatchObject({ protocol: 'rfc3164', facility: 'auth', severity: 'info', appname: 'sshd', procid: '42', message: 'Invalid user admin from 203.0.113.5 port 2222' });
    expect(m!.syslog.timestamp).toBe('2026-01-01T00:00:29+00:00');
  });

  it('keys a message without a hostname by its sender address', () => {
    const recorder = new Recorder();
    const { pipeline } = setup([recorder]);
    pipeline.accept(frame('<13>su: no host in this one', '2001:db8::7'));
    expect(recorder.seen[0]!.syslog.hostname).toBeNull();
    expect(recorder.seen[0]!.host).toBe('2001:db8::7');
  });

  it('infers the year of a BSD stamp from the receive time (Dec 31 received on Jan 1 is last year)', () => {
    const recorder = new Recorder();
    const { pipeline } = setup([recorder]);
    pipeline.accept(frame('<13>Dec 31 23:59:58 edge kernel: late', '192.0.2.1', Date.UTC(2027, 0, 1, 0, 0, 1)));
    expect(recorder.seen[0]!.syslog.timestamp).toBe('2026-12-31T23:59:58+00:00');
  });

  it('applies the configured time zone to BSD stamps, and a reload changes it', () => {
    const recorder = new Recorder();
    const { pipeline } = setup([recorder], 'Europe/Berlin');
    pipeline.accept(frame('<13>Jul  1 12:00:00 h app: summer'));
    pipeline.setTimezone('UTC');
    pipeline.accept(frame('<13>Jul  1 12:00:00 h app: summer'));
    // received on 2026-01-01, so July is last July
    expect(recorder.seen.map((m) => m.syslog.timestamp)).toEqual(['2025-07-01T12:00:00+02:00', '2025-07-01T12:00:00+00:00']);
  });

  it('counts formats and observes latency for every frame, stages or not', async () => {
    const { pipeline, registry, metrics } = setup();
    pipeline.accept(frame('<13>1 2026-01-01T00:00:00Z h app - - - five-four-two-four'));
    pipeline.accept(frame('<13>Jan  1 00:00:00 h app: bsd'));
    pipeline.accept(frame('\u0000\u0001 not syslog at all'));
    const text = await registry.metrics();
    expect(text).toContain('syslog_messages_parsed_total{format="rfc5424"} 1');
    expect(text).toContain('syslog_messages_parsed_total{format="rfc3164"} 1');
    expect(text).toContain('syslog_messages_parsed_total{format="unknown"} 1');
    expect(text).toContain('syslog_pipeline_latency_seconds_count 3');
    expect(metrics.latency.quantile(0.5)).toBeLessThan(1);
  });

  it('a stage that throws does not stop the message reaching later stages, nor the next message', () => {
    const recorder = new Recorder();
    const broken: MessageStage = { name: 'broken', process: () => { throw new Error('bug'); } };
    const { pipeline } = setup([broken, recorder]);
    pipeline.accept(frame('<13>Jan  1 00:00:00 h app: one'));
    pipeline.accept(frame('<13>Jan  1 00:00:00 h app: two'));
    expect(recorder.seen.map((m) => m.syslog.message)).toEqual(['one', 'two']);
  });
});
