/**
 * One simulation run: the generator's lines, paced, through an open transport; counts per kind and format;
 * the summary the command prints as one JSON line.
 */
import { performance } from 'node:perf_hooks';
import type { SimulateOptions } from './options.js';
import { pace, type StopReason } from './pacer.js';
import { TrafficGenerator } from './scenarios.js';
import type { LineFormat } from './syslog-format.js';
import type { Transport } from './transport.js';

export interface SimulationSummary {
  readonly scenario: string;
  readonly target: string;
  readonly seed: number;
  readonly format: string;
  readonly hosts: number;
  readonly rate: number;
  readonly durationMs: number;
  /** Lines handed to the socket. */
  readonly sent: number;
  /** Lines per kind: background kinds (sshd, cron, kernel, nginx, router, systemd) and 'ssh-burst' / 'keyword'. */
  readonly kinds: Readonly<Record<string, number>>;
  readonly formats: Readonly<Record<LineFormat, number>>;
  /** Scenario events started: ssh bursts or keyword lines. */
  readonly scenarioEvents: number;
  readonly elapsedMs: number;
  readonly achievedRate: number;
  readonly errors: number;
  readonly stoppedBy: StopReason;
  /** Why the transport broke, when it did. */
  readonly error?: string;
}

export interface RunContext {
  readonly transport: Transport;
  readonly signal: AbortSignal;
}

export function targetText(options: SimulateOptions): string {
  const { protocol, host, port } = options.target;
  return `${protocol}://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

export async function runSimulation(options: SimulateOptions, context: RunContext): Promise<SimulationSummary> {
  const { transport, signal } = context;
  const generator = new TrafficGenerator(options);
  const kinds: Record<string, number> = {};
  const formats: Record<LineFormat, number> = { rfc3164: 0, rfc5424: 0 };

  const sendBatch = async (count: number, batchSignal: AbortSignal): Promise<boolean> => {
    if (transport.failure !== null) return false;
    const now = new Date();
    const batch: Buffer[] = [];
    for (let i = 0; i < count; i++) {
      const line = generator.next(now);
      kinds[line.kind] = (kinds[line.kind] ?? 0) + 1;
      formats[line.format]++;
      batch.push(Buffer.from(line.text, 'utf8'));
    }
    await transport.send(batch, batchSignal);
    return true;
  };
  const result = await pace({ rate: options.rate, durationMs: options.durationMs, signal, now: () => performance.now() }, sendBatch);
  await transport.close();

  const failure = transport.failure;
  return {
    scenario: options.scenario,
    target: targetText(options),
    seed: options.seed,
    format: options.format,
    hosts: options.hosts,
    rate: options.rate,
    durationMs: options.durationMs,
    sent: result.sent,
    kinds,
    formats,
    scenarioEvents: generator.events,
    elapsedMs: Math.round(result.elapsedMs),
    achievedRate: result.elapsedMs > 0 ? Math.round((result.sent * 10_000) / result.elapsedMs) / 10 : 0,
    errors: transport.errors,
    stoppedBy: failure !== null && result.stoppedBy === 'duration' ? 'error' : result.stoppedBy,
    ...(failure === null ? {} : { error: failure.message }),
  };
}
