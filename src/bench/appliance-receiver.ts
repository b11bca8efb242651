/**
 * The appliance column: the real thing, `node dist/src/main.js run --config <tmp yaml>`, with one UDP and one
 * TCP listener on 127.0.0.1 (kernel-chosen ports), no rules or the default ones, metrics HTTP on a kernel-chosen
 * port. Started by src/harness/appliance-process.ts (bound ports from its JSON logs on stderr); counts and latency
 * from /metrics.
 */
import type { ChildProcess } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnAppliance, type ApplianceProcess } from '../harness/appliance-process.js';
import { stopChild } from '../harness/children.js';
import { defaultRules } from '../harness/default-rules.js';
import { histogramOf, parsePromText, sumOf, type Sample } from './prom-text.js';
import type { Receiver, ReceiverCounts, ReceiverKind, ReceiverStartOptions } from './receiver.js';
import type { HistogramSnapshot } from './stats.js';

/** prom-client's memory gauges, kept in the details to show where the appliance's RSS goes. */
const MEMORY_GAUGES = new Set(['process_resident_memory_bytes', 'nodejs_heap_size_total_bytes', 'nodejs_heap_size_used_bytes', 'nodejs_external_memory_bytes']);

const UDP_LISTENER = 'bench-udp';
const TCP_LISTENER = 'bench-tcp';
/** How long the appliance gets to stop gracefully (it also writes a --cpu-prof profile then). */
const STOP_GRACE_MS = 10_000;

/** Rules as a YAML flow value (JSON is YAML). */
const defaultRulesYaml = (): string => JSON.stringify(defaultRules());

function configYaml(rcvbuf: number, stateDir: string, rules: string): string {
  return [
    '# written by the benchmark (src/bench/appliance-receiver.ts)',
    'listeners:',
    `  - { protocol: udp, name: ${UDP_LISTENER}, address: 127.0.0.1, port: 0, receiveBufferBytes: ${rcvbuf} }`,
    `  - { protocol: tcp, name: ${TCP_LISTENER}, address: 127.0.0.1, port: 0 }`,
    'http: { address: 127.0.0.1, port: 0 }',
    `stateDir: ${JSON.stringify(stateDir)}`,
    'timezone: UTC',
    `rules: ${rules}`,
    'log: { level: info }',
    '',
  ].join('\n');
}

export class ApplianceReceiver implements Receiver {
  readonly streamFramings = ['lf', 'octet'] as const;
  readonly countTiming = 'live';
  readonly #child: ChildProcess;
  readonly #httpPort: number;
  readonly #agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  #stopped: Promise<void> | null = null;

  constructor(
    readonly name: string,
    child: ChildProcess,
    httpPort: number,
    readonly udpPort: number,
    readonly tcpPort: number,
    readonly udpReceiveBufferBytes: number | null,
  ) {
    this.#child = child;
    this.#httpPort = httpPort;
  }

  get pid(): number {
    return this.#child.pid ?? -1;
  }

  async scrape(): Promise<Sample[]> {
    return parsePromText(await httpGet(this.#httpPort, '/metrics', this.#agent));
  }

  async counts(): Promise<ReceiverCounts> {
    const s = await this.scrape();
    return {
      udp: sumOf(s, 'syslog_messages_received_total', { transport: 'udp' }),
      tcp: sumOf(s, 'syslog_messages_received_total', { transport: 'tcp' }),
    };
  }

  async latency(): Promise<HistogramSnapshot | null> {
    return histogramOf(await this.scrape(), 'syslog_pipeline_latency_seconds');
  }

  async details(): Promise<Record<string, number>> {
    const s = await this.scrape();
    const out: Record<string, number> = {};
    for (const x of s) {
      if (x.name === 'syslog_messages_parsed_total') out[`parsed_${x.labels.format}`] = x.value;
      else if (x.name === 'syslog_messages_dropped_total' && x.value > 0) out[`dropped_${x.labels.transport}_${x.labels.reason}`] = x.value;
      else if (x.name === 'syslog_udp_kernel_drops_total') out.udp_kernel_drops = x.value;
      else if (MEMORY_GAUGES.has(x.name) && Object.keys(x.labels).length === 0) out[x.name] = x.value;
    }
    return out;
  }

  stop(): Promise<void> {
    this.#stopped ??= (async () => {
      this.#agent.destroy();
      await stopChild(this.#child, STOP_GRACE_MS);
    })();
    return this.#stopped;
  }
}

function httpGet(port: number, pathname: string, agent: http.Agent): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: pathname, agent, timeout: 10_000 }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => {
        const body = Buffer.concat(parts).toString('utf8');
        if (res.statusCode === 200) resolve(body);
        else reject(new Error(`GET ${pathname}: HTTP ${res.statusCode}`));
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${pathname}: timed out`)));
    req.on('error', reject);
  });
}

function applianceKind(id: string, name: string, rules: () => string): ReceiverKind {
  return { id, start: (options) => startAppliance(name, rules(), options) };
}

/** The core pipeline: parse and metrics, no rules. */
export const applianceReceiver = applianceKind('appliance', 'syslog-sentinel', () => '[]');
/** The same with the rules of config/default.yaml: the difference is the rule stage's cost. */
export const applianceRulesReceiver = applianceKind('appliance-rules', 'syslog-sentinel + default rules', defaultRulesYaml);

/** The appliance with these rules (a JSON/YAML flow list), e.g. the default ones with other caps. */
export async function startAppliance(name: string, rules: string, options: ReceiverStartOptions): Promise<ApplianceReceiver> {
  const tmpDir = mkdtempSync(path.join(os.tmpdir(), 'syslog-sentinel-bench-'));
  const configFile = path.join(tmpDir, 'bench.yaml');
  writeFileSync(configFile, configYaml(options.udpReceiveBufferBytes, path.join(tmpDir, 'state'), rules));
  let rcvbuf: number | null = null;
  let proc: ApplianceProcess;
  try {
    proc = await spawnAppliance({
      configFile,
      cwd: tmpDir,
      nodeArgs: options.nodeArgs,
      // The UDP listener's log line about the buffer the kernel granted.
      onLine: (_line, entry) => {
        if (rcvbuf === null && typeof entry?.usableBytes === 'number' && typeof entry.requestedBytes === 'number') rcvbuf = entry.usableBytes;
      },
      // The config and state directory go with the process, however it ends (stop, failed start, SIGINT).
      onExit: () => rmSync(tmpDir, { recursive: true, force: true }),
    });
  } catch (err) {
    rmSync(tmpDir, { recursive: true, force: true });
    throw err;
  }
  const udpPort = proc.ports.get(UDP_LISTENER);
  const tcpPort = proc.ports.get(TCP_LISTENER);
  if (udpPort === undefined || tcpPort === undefined) {
    await stopChild(proc.child, STOP_GRACE_MS);
    throw new Error(`the appliance logged "ready" without the ports of ${UDP_LISTENER} and ${TCP_LISTENER}`);
  }
  return new ApplianceReceiver(name, proc.child, proc.httpPort, udpPort, tcpPort, rcvbuf);
}
