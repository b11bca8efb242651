/**
 * The tracked-keys phase: one sshd "Invalid user" line from each of N distinct host names (100,000 by default),
 * sent over one TCP connection to the appliance with the default rules, then its peak RSS and the rules'
 * tracked keys and evictions from /metrics. Run twice: with the rules as shipped (whose maxKeys caps what
 * ssh_invalid_user keeps) and with maxKeys raised to N, so that N keys are really held.
 */
import net from 'node:net';
import { once } from 'node:events';
import { RulesSchema } from '../config/rules-schema.js';
import { defaultRules } from '../harness/default-rules.js';
import { startAppliance, type ApplianceReceiver } from './appliance-receiver.js';
import { sleep } from './clock.js';
import { readProcessMemory } from '../harness/process-memory.js';
import { pinProcess, reniceProcess } from './proc.js';
import { sumOf } from './prom-text.js';

/** The rule the lines trip (config/default.yaml's sshd-invalid-user preset, grouped by host). */
export const KEYS_RULE = 'ssh_invalid_user';
const WAIT_MS = 60_000;

export interface KeysPhaseResult {
  readonly variant: 'as shipped' | 'maxKeys raised';
  /** ssh_invalid_user's maxKeys in this run. */
  readonly maxKeys: number;
  readonly hosts: number;
  /** Messages the appliance counted (TCP). */
  readonly received: number;
  /** syslog_rule_matches_total{rule="ssh_invalid_user"}. */
  readonly matches: number;
  /** syslog_rule_tracked_keys{rule="ssh_invalid_user"} at the end. */
  readonly trackedKeys: number;
  /** syslog_rule_evictions_total{rule="ssh_invalid_user"}. */
  readonly evictions: number;
  /** Peak RSS (VmHWM) of the appliance over its whole life, bytes. */
  readonly peakRssBytes: number | null;
  /** RSS at the end (VmRSS), bytes. */
  readonly rssBytes: number | null;
  /** From sending the first byte to the appliance having counted every line. */
  readonly seconds: number;
}

export interface KeysPhaseOptions {
  readonly hosts: number;
  readonly udpReceiveBufferBytes: number;
  readonly nodeArgs: readonly string[];
  /** CPU list to pin the appliance to (taskset), or null. */
  readonly cpu: string | null;
  readonly nice: number | null;
  readonly log: (line: string) => void;
  /** Called with the appliance's pid as soon as it runs (the orchestrator leaves its own processes out of the CPU watch). */
  readonly onPid?: (pid: number) => void;
}

/** `n` LF-framed RFC 3164 sshd lines, one per host `kh-000000` … , each an "Invalid user" attempt. */
export function keysPhaseLines(n: number): Buffer {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const host = `kh-${String(i).padStart(6, '0')}`;
    // 198.18.0.0/15, the range set aside for benchmarks (RFC 2544); only ever text in a log line here.
    const ip = `198.${18 + ((i >> 16) & 1)}.${(i >> 8) & 255}.${i & 255}`;
    lines.push(`<38>Nov 21 18:57:00 ${host} sshd[${1000 + (i % 60000)}]: Invalid user admin from ${ip} port ${1024 + (i % 60000)}\n`);
  }
  return Buffer.from(lines.join(''), 'utf8');
}

/** The default rules with every rule's maxKeys at least `keys` (within the schema's limits). */
export function rulesWithMaxKeys(rules: readonly unknown[], keys: number): unknown[] {
  return rules.map((r) => (typeof r === 'object' && r !== null ? { ...r, maxKeys: Math.max(keys, Number((r as { maxKeys?: unknown }).maxKeys ?? 0)) } : r));
}

/** maxKeys of the named rule after the schema's defaults, or null when the rules have no such rule. */
export function maxKeysOf(rules: readonly unknown[], name: string): number | null {
  const parsed = RulesSchema.parse(rules);
  return parsed.find((r) => r.name === name)?.maxKeys ?? null;
}

async function sendAll(port: number, data: Buffer): Promise<void> {
  const socket = net.connect({ port, host: '127.0.0.1' });
  await once(socket, 'connect');
  socket.end(data);
  await once(socket, 'finish');
  socket.on('error', () => undefined);
  socket.resume();
  socket.once('end', () => socket.destroy());
}

async function runVariant(variant: KeysPhaseResult['variant'], rules: readonly unknown[], data: Buffer, o: KeysPhaseOptions): Promise<KeysPhaseResult> {
  const maxKeys = maxKeysOf(rules, KEYS_RULE);
  if (maxKeys === null) throw new Error(`keys phase: config/default.yaml has no rule named ${KEYS_RULE}`);
  const rx: ApplianceReceiver = await startAppliance(`keys phase (${variant})`, JSON.stringify(rules), { udpReceiveBufferBytes: o.udpReceiveBufferBytes, nodeArgs: o.nodeArgs });
  try {
    o.onPid?.(rx.pid);
    if (o.cpu !== null && !pinProcess(rx.pid, o.cpu)) throw new Error(`could not pin the keys-phase appliance (pid ${rx.pid}) to CPU ${o.cpu}`);
    if (o.nice !== null && !reniceProcess(rx.pid, o.nice)) throw new Error(`could not renice the keys-phase appliance (pid ${rx.pid}) to ${o.nice}`);
    const started = Date.now();
    await sendAll(rx.tcpPort, data);
    let received = 0;
    while (Date.now() - started < WAIT_MS) {
      received = (await rx.counts()).tcp;
      if (received >= o.hosts) break;
      await sleep(50);
    }
    const seconds = (Date.now() - started) / 1000;
    const s = await rx.scrape();
    const mem = readProcessMemory(rx.pid);
    const result: KeysPhaseResult = {
      variant,
      maxKeys,
      hosts: o.hosts,
      received,
      matches: sumOf(s, 'syslog_rule_matches_total', { rule: KEYS_RULE }),
      trackedKeys: sumOf(s, 'syslog_rule_tracked_keys', { rule: KEYS_RULE }),
      evictions: sumOf(s, 'syslog_rule_evictions_total', { rule: KEYS_RULE }),
      peakRssBytes: mem?.peakRssBytes ?? null,
      rssBytes: mem?.rssBytes ?? null,
      seconds,
    };
    o.log(
      `  keys phase (${variant}, maxKeys ${maxKeys.toLocaleString('en-US')}): ${received.toLocaleString('en-US')}/${o.hosts.toLocaleString('en-US')} lines counted in ${seconds.toFixed(1)} s, ` +
        `${result.matches.toLocaleString('en-US')} matches, tracked keys ${result.trackedKeys.toLocaleString('en-US')}, evictions ${result.evictions.toLocaleString('en-US')}, ` +
        `peak RSS ${result.peakRssBytes === null ? '?' : (result.peakRssBytes / 1e6).toFixed(1)} MB`,
    );
    return result;
  } finally {
    await rx.stop();
  }
}

/** Both variants; the raised one only when the shipped cap is below the number of hosts. */
export async function keysPhase(o: KeysPhaseOptions): Promise<KeysPhaseResult[]> {
  const shipped = defaultRules();
  const data = keysPhaseLines(o.hosts);
  const results = [await runVariant('as shipped', shipped, data, o)];
  if ((maxKeysOf(shipped, KEYS_RULE) ?? 0) < o.hosts) results.push(await runVariant('maxKeys raised', rulesWithMaxKeys(shipped, o.hosts), data, o));
  return results;
}
