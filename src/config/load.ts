import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { ConfigError } from '../errors.js';
import { formatEndpoint } from '../ingest/bind-failure.js';
import { deepFreeze } from './deep-freeze.js';
import { substituteEnv } from './env-substitution.js';
import { compileRules } from './rules-schema.js';
import { compileTriage } from './triage-schema.js';
import { cronTimezoneFor } from '../digest/digest-scheduler.js';
import { ConfigSchema, type ParsedConfig, type ParsedListener } from './schema.js';
import type { Config, ListenerConfig } from './types.js';

export interface LoadOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Moves every udp and tcp listener to this port (tls listeners keep theirs): the unprivileged-port override. */
  readonly portOverride?: number;
}

/** Reads, validates and compiles a config file. Throws ConfigError listing every problem at once. */
export function loadConfigFile(file: string, options: LoadOptions = {}): Config {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError([`cannot read file: ${(err as Error).message}`], file);
  }
  return loadConfigText(text, { ...options, file });
}

export function loadConfigText(text: string, options: LoadOptions & { file?: string } = {}): Config {
  const { file } = options;
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(doc.errors.map((e) => `YAML: ${e.message.split('\n')[0]}`), file);
  }
  const raw: unknown = doc.toJS() ?? {};
  return validateConfig(raw, { ...options, baseDir: file ? dirname(resolve(file)) : process.cwd() });
}

export function validateConfig(raw: unknown, options: LoadOptions & { file?: string; baseDir?: string } = {}): Config {
  const problems: string[] = [];
  const env = options.env ?? process.env;
  const substituted = substituteEnv(raw, env, problems);
  if (options.portOverride !== undefined && isRecord(substituted) && Array.isArray(substituted.listeners)) {
    for (const l of substituted.listeners) {
      if (isRecord(l) && (l.protocol === 'udp' || l.protocol === 'tcp')) l.port = options.portOverride;
    }
  }
  const result = ConfigSchema.safeParse(substituted);
  if (!result.success) {
    for (const issue of result.error.issues) problems.push(`${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  if (problems.length > 0 || !result.success) throw new ConfigError(problems, options.file);
  const compiled = compile(result.data, options.baseDir ?? process.cwd(), env, problems);
  if (problems.length > 0) throw new ConfigError(problems, options.file);
  return deepFreeze(compiled);
}

function compile(parsed: ParsedConfig, baseDir: string, env: Readonly<Record<string, string | undefined>>, problems: string[]): Config {
  const listeners = parsed.listeners.map((l, i) => compileListener(l, i, baseDir, problems));
  checkListenerConflicts(listeners, problems);
  return {
    listeners,
    http: parsed.http,
    stateDir: resolve(baseDir, parsed.stateDir),
    timezone: parsed.timezone,
    rules: compileRules(parsed.rules, problems),
    alerting: {
      updateIntervalMs: parsed.alerting.updateInterval,
      maxOpenIncidents: parsed.alerting.maxOpenIncidents,
      resolvedRetentionMs: parsed.alerting.resolvedRetention,
      maxMutes: parsed.alerting.maxMutes,
      muteRetentionMs: parsed.alerting.muteRetention,
      gcSchedule: parsed.alerting.gcSchedule,
    },
    notify: parsed.notify,
    log: parsed.log,
    digest: compileDigest(parsed, problems),
    triage: compileTriage(parsed.triage, env, problems),
  };
}

function compileDigest(parsed: ParsedConfig, problems: string[]): Config['digest'] {
  const d = parsed.digest;
  if (d === undefined) return null;
  const timezone = d.timezone ?? cronTimezoneFor(parsed.timezone);
  if (timezone === null) {
    problems.push(`digest.timezone: the top-level timezone "${parsed.timezone}" cannot be used for the schedule; set digest.timezone to an IANA zone such as Asia/Kolkata`);
  }
  return { schedule: d.schedule, timezone: timezone ?? 'UTC', top: d.top, maxHosts: d.maxHosts };
}

function compileListener(l: ParsedListener, index: number, baseDir: string, problems: string[]): ListenerConfig {
  const name = l.name ?? `${l.protocol}:${formatEndpoint(l.address, l.port)}`;
  const base = { name, address: l.address, port: l.port, allow: l.allow ?? null };
  if (l.protocol === 'udp') {
    return { protocol: 'udp', ...base, receiveBufferBytes: l.receiveBufferBytes, maxMessageBytes: l.maxMessageBytes };
  }
  const stream = { ...base, maxFrameBytes: l.maxFrameBytes, maxConnections: l.maxConnections, idleTimeoutMs: l.idleTimeout };
  if (l.protocol === 'tcp') return { protocol: 'tcp', ...stream, tls: null };
  const read = (key: 'cert' | 'key' | 'ca', path: string): Buffer => {
    try {
      return readFileSync(resolve(baseDir, path));
    } catch (err) {
      problems.push(`listeners.${index}.${key}: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      return Buffer.alloc(0);
    }
  };
  if (l.clientAuth !== 'none' && l.ca === undefined) {
    problems.push(`listeners.${index}.ca: clientAuth "${l.clientAuth}" needs a CA bundle to verify client certificates`);
  }
  return {
    protocol: 'tls',
    ...stream,
    tls: { cert: read('cert', l.cert), key: read('key', l.key), ca: l.ca === undefined ? null : read('ca', l.ca), clientAuth: l.clientAuth },
  };
}

/** Two listeners may not claim the same socket: udp vs udp, or tcp/tls vs tcp/tls, on overlapping addresses. */
function checkListenerConflicts(listeners: readonly ListenerConfig[], problems: string[]): void {
  const names = new Map<string, number>();
  listeners.forEach((l, i) => {
    const prev = names.get(l.name);
    if (prev !== undefined) problems.push(`listeners.${i}.name: "${l.name}" is already used by listeners.${prev}`);
    else names.set(l.name, i);
  });
  for (let i = 0; i < listeners.length; i++) {
    for (let j = 0; j < i; j++) {
      const a = listeners[i]!;
      const b = listeners[j]!;
      if (a.port === 0 || a.port !== b.port || (a.protocol === 'udp') !== (b.protocol === 'udp')) continue;
      if (addressesOverlap(a.address, b.address)) {
        problems.push(`listeners.${i}.port: ${a.protocol} ${a.address}:${a.port} conflicts with listeners.${j} (${b.protocol} ${b.address}:${b.port})`);
      }
    }
  }
}

function addressesOverlap(a: string, b: string): boolean {
  const wildcard = (x: string) => x === '0.0.0.0' || x === '::';
  if (a === b) return true;
  if (a === '::' || b === '::') return true; // dual-stack wildcard covers IPv4 too
  if (wildcard(a) || wildcard(b)) return !(a.includes(':') || b.includes(':')); // 0.0.0.0 covers every IPv4 address
  return false;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
