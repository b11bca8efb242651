/** Test builders for the detector: a ReceivedMessage from a raw line, compiled rules from plain objects. */
import { validateConfig } from '../../src/config/load.js';
import type { CompiledRule } from '../../src/config/rules-schema.js';
import type { RawFrame } from '../../src/ingest/types.js';
import { parseSyslog } from '../../src/parse/syslog.js';
import type { ReceivedMessage } from '../../src/pipeline/types.js';
import type { Signal } from '../../src/detect/types.js';

export const T0 = Date.UTC(2024, 4, 1, 12, 0, 0);

export interface ReceivedOptions {
  readonly remoteAddress?: string;
  /** Time zone and reference time for parsing; `now` defaults to the receive time. */
  readonly parseNow?: number;
}

export function received(raw: string, at: number, options: ReceivedOptions = {}): ReceivedMessage {
  const frame: RawFrame = {
    bytes: Buffer.from(raw),
    receivedAt: at,
    receivedMono: 0,
    transport: 'udp',
    remoteAddress: options.remoteAddress ?? '192.0.2.200',
    remotePort: 40000,
    listener: 'test',
  };
  const syslog = parseSyslog(frame.bytes, { timezone: 'UTC', now: options.parseNow ?? at });
  return { frame, syslog, host: syslog.hostname ?? frame.remoteAddress };
}

/** A raw line received at its own timestamp (0 when it has none); `parseNow` dates year-less stamps. */
export function receivedAtOwnTime(raw: string, parseNow: number): ReceivedMessage {
  const m = received(raw, 0, { parseNow });
  return { ...m, frame: { ...m.frame, receivedAt: m.syslog.timestampMs ?? 0 } };
}

/** Rules as they come out of the real loader (validated, compiled, frozen). */
export function compileRules(rules: readonly unknown[]): readonly CompiledRule[] {
  return validateConfig({ listeners: [{ protocol: 'udp', port: 0 }], rules }).rules;
}

export function compileRule(rule: unknown): CompiledRule {
  return compileRules([rule])[0]!;
}

/** Collects Signals. */
export class SignalLog {
  readonly signals: Signal[] = [];
  readonly onSignal = (signal: Signal): void => {
    this.signals.push(signal);
  };
  get last(): Signal | undefined {
    return this.signals[this.signals.length - 1];
  }
  firing(): Signal[] {
    return this.signals.filter((s) => s.firing);
  }
}

/** An sshd line from `host` at `at` (RFC 5424, so the timestamp does not matter). */
export function sshd(host: string | null, text: string, at: number, remoteAddress?: string): ReceivedMessage {
  const raw = `<38>1 2024-05-01T12:00:00Z ${host ?? '-'} sshd 4242 - - ${text}`;
  return received(raw, at, remoteAddress === undefined ? {} : { remoteAddress });
}
