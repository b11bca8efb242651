/** The compiled configuration: validated, defaults filled, durations in ms, files read, deep-frozen. */
import type { ApiConfig } from './api-schema.js';
import type { CompiledRule } from './rules-schema.js';
import type { ParsedConfig } from './schema.js';
import type { TriageConfig } from './triage-schema.js';
import type { DigestConfig } from '../digest/digest.js';

export interface ListenerBase {
  readonly name: string;
  readonly address: string;
  readonly port: number;
  /** CIDR allowlist; null = everyone may send. */
  readonly allow: readonly string[] | null;
}

export interface UdpListenerConfig extends ListenerBase {
  readonly protocol: 'udp';
  readonly receiveBufferBytes: number;
  readonly maxMessageBytes: number;
}

export interface TlsSettings {
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly ca: Buffer | null;
  readonly clientAuth: 'none' | 'request' | 'require';
}

export interface StreamListenerConfig extends ListenerBase {
  readonly protocol: 'tcp' | 'tls';
  readonly maxFrameBytes: number;
  readonly maxConnections: number;
  readonly idleTimeoutMs: number;
  /** Present exactly when protocol is 'tls'. */
  readonly tls: TlsSettings | null;
}

export type ListenerConfig = UdpListenerConfig | StreamListenerConfig;

export interface Config {
  readonly listeners: readonly ListenerConfig[];
  readonly http: { readonly address: string; readonly port: number; readonly api: ApiConfig };
  readonly stateDir: string;
  readonly timezone: string;
  /** Compiled detection rules: presets merged, regexes built, durations in ms. */
  readonly rules: readonly CompiledRule[];
  readonly alerting: {
    readonly updateIntervalMs: number;
    readonly maxOpenIncidents: number;
    readonly resolvedRetentionMs: number;
    readonly maxMutes: number;
    readonly muteRetentionMs: number;
    readonly gcSchedule: string;
  };
  readonly notify: Readonly<ParsedConfig['notify']>;
  readonly log: Readonly<ParsedConfig['log']>;
  /** The daily digest; null = off. */
  readonly digest: DigestConfig | null;
  /** LLM triage of fired incidents; null = off. */
  readonly triage: TriageConfig | null;
}
