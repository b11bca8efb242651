/**
 * The appliance column: the real thing, `node dist/src/main.js run --config <tmp yaml>`, with one UDP and one
 * TCP listener on 127.0.0.1 (kernel-chosen ports), no rules or the default ones, metrics HTTP on a kernel-chosen port. Bound
 * ports come from its JSON logs on stderr; counts and latency from /metrics.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { stopChild, track } from '../harness/children.js';
import { histogramOf, parsePromText, sumOf, type Sample } from './prom-text.js';
import type { Receiver, ReceiverCounts, ReceiverKind, ReceiverStartOptions } from './receiver.js';
import type { HistogramSnapshot } from './stats.js';

/** prom-client's memory gauges, kept in the details to show where the appliance's RSS goes. */
const MEMORY_GAUGES = new Set(['process_resident_memory_bytes', 'nodejs_heap_size_total_bytes', 'nodejs_heap_size_used_bytes', 'nodejs_external_memory_bytes']);

const UDP_LISTENER = 'bench-udp';
const TCP_LISTENER = 'bench-tcp';
const START_TIMEOUT_MS = 20_000;
/** How long the appliance gets to stop gracefully (it also writes a --cpu-prof profile then). */
const STOP_GRACE_MS = 10_000;

/** The rules of the shipped config/default.yaml, as written there. */
export function defaultRules(): unknown[] {
  // From dist/src/bench/ when built (npm run bench), from src/bench/ when run from source (tests).
  const candidates = ['../../../config/default.yaml', '../../config/default.yaml'].map((rel) => fileURLToPath(new URL(rel, import.meta.url)));
  const file = candidates.find((f) => existsSync(f)) ?? candidates[0]!;
  const doc = parseYaml(readFileSync(file, 'utf8')) as { rules?: unknown };
  return Array.isArray(doc.rules) ? doc.rules : [];
}

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
export function startAppliance(name: string, rules: string, options: ReceiverStartOptions): Promise<ApplianceReceiver> {
  const mainJs = fileURLToPath(new URL('../main.js', import.meta.url));
  const tmpDir = mkdtempSync(path.join(os.tmpdir(), 'syslog-sentinel-bench-'));
  const configFile = path.join(tmpDir, 'bench.yaml');
  writeFileSync(configFile, configYaml(options.udpReceiveBufferBytes, path.join(tmpDir, 'state'), rules));
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), mainJs, 'run', '--config', configFile], {
    stdio: ['ignore', 'ignore', 'pipe'],
    cwd: tmpDir,
  });
  track(child);
  // The config and state directory go with the process, however it ends (stop, failed start, SIGINT).
  child.once('exit', () => rmSync(tmpDir, { recursive: true, force: true }));

  return new Promise<ApplianceReceiver>((resolve, reject) => {
    const ports = new Map<string, number>();
    let httpPort = -1;
    let rcvbuf: number | null = null;
    const tail: string[] = [];
    let pending = '';
    let settled = false;
    const fail = (why: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void stopChild(child);
      reject(new Error(`${why}\n--- appliance stderr (last lines) ---\n${tail.join('\n')}`));
    };
    const timer = setTimeout(() => fail(`the appliance did not log "ready" within ${START_TIMEOUT_MS / 1000} s`), START_TIMEOUT_MS);
    child.once('exit', (code, signal) => fail(`the appliance exited during start (code ${code}, signal ${signal})`));
    // Keep draining stderr for the whole run (a full pipe would block its logger); keep a short tail.
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (text: string) => {
      pending += text;
      let nl = pending.indexOf('\n');
      while (nl >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        nl = pending.indexOf('\n');
        tail.push(line);
        if (tail.length > 20) tail.shift();
        if (settled) continue;
        let entry: Record<string, unknown>;
        try {
          entry = JSON.parse(line) as Record<string, unknown>;
        } catch {
          continue;
        }
        if (entry.msg === 'listening' && typeof entry.listener === 'string' && typeof entry.port === 'number') ports.set(entry.listener, entry.port);
        else if (entry.msg === 'http listening' && typeof entry.port === 'number') httpPort = entry.port;
        else if (typeof entry.usableBytes === 'number' && typeof entry.requestedBytes === 'number' && rcvbuf === null) rcvbuf = entry.usableBytes;
        else if (entry.msg === 'ready') {
          const udpPort = ports.get(UDP_LISTENER);
          const tcpPort = ports.get(TCP_LISTENER);
          if (udpPort === undefined || tcpPort === undefined || httpPort < 0) {
            fail('the appliance logged "ready" without its listener/http ports');
            return;
          }
          settled = true;
          clearTimeout(timer);
          resolve(new ApplianceReceiver(name, child, httpPort, udpPort, tcpPort, rcvbuf));
        }
      }
    });
  });
}
