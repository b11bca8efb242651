/**
 * The appliance under fuzz: the real CLI (src/harness/appliance-process.ts starts it and learns its ports from
 * its logs), every listener and the metrics server on 127.0.0.1 port 0, and the V8 inspector on 127.0.0.1 port 0
 * (for forced garbage collections, inspector.ts). Its error and fatal log lines, and lines that are not JSON (a
 * crash trace), are counted and the first ones kept. It is stopped by pid; its directory goes with it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnAppliance, type ApplianceExit, type ApplianceProcess } from '../harness/appliance-process.js';
import { hasExited, stopChild } from '../harness/children.js';
import { parsePromText, type Sample } from '../bench/prom-text.js';
import { InspectorSession, inspectorUrl, type LiveReading } from '../harness/inspector.js';
import type { HeapReading } from './monitor.js';

const HTTP_TIMEOUT_MS = 5_000;
const TAIL_LINES = 30;

export type { ApplianceExit };

export class FuzzAppliance {
  readonly #proc: ApplianceProcess;
  readonly #log: ApplianceLog;
  readonly #inspector: InspectorSession;

  constructor(proc: ApplianceProcess, log: ApplianceLog, inspector: InspectorSession) {
    this.#proc = proc;
    this.#log = log;
    this.#inspector = inspector;
  }

  get ports(): ReadonlyMap<string, number> {
    return this.#proc.ports;
  }

  get httpPort(): number {
    return this.#proc.httpPort;
  }

  /** A full garbage collection, then the memory the appliance still holds. */
  live(t: number): Promise<LiveReading> {
    return this.#inspector.live(t);
  }

  get pid(): number {
    return this.#proc.child.pid ?? -1;
  }

  /** Resolves when the process has exited (for whatever reason). */
  get exited(): Promise<ApplianceExit> {
    return this.#proc.exited;
  }

  get alive(): boolean {
    return !hasExited(this.#proc.child);
  }

  port(listener: string): number {
    const p = this.ports.get(listener);
    if (p === undefined) throw new Error(`the appliance reported no port for listener ${listener}`);
    return p;
  }

  /** Log lines at level error (50) or fatal (60), or not JSON at all (a crash trace): the first few. */
  get errorLines(): readonly string[] {
    return this.#log.errors;
  }

  /** How many such lines there were. */
  get errorCount(): number {
    return this.#log.errorCount;
  }

  get fatalCount(): number {
    return this.#log.fatal;
  }

  get stderrTail(): readonly string[] {
    return this.#log.tail;
  }

  async scrape(): Promise<Sample[]> {
    const res = await httpGet(this.httpPort, '/metrics');
    if (res.status !== 200) throw new Error(`GET /metrics: HTTP ${res.status}`);
    return parsePromText(res.body);
  }

  /** The HTTP status of /healthz, or the error that kept it from answering within 5 s. */
  async healthz(): Promise<{ status: number | null; ms: number; error?: string }> {
    const t0 = performance.now();
    try {
      const res = await httpGet(this.httpPort, '/healthz');
      return { status: res.status, ms: performance.now() - t0 };
    } catch (err) {
      return { status: null, ms: performance.now() - t0, error: err instanceof Error ? err.message : String(err) };
    }
  }

  /** V8 heap used and total and external memory, from prom-client's gauges in /metrics; null if unreadable. */
  async heap(): Promise<HeapReading | null> {
    try {
      const s = await this.scrape();
      const value = (name: string): number => s.find((x) => x.name === name && Object.keys(x.labels).length === 0)?.value ?? Number.NaN;
      return { usedBytes: value('nodejs_heap_size_used_bytes'), totalBytes: value('nodejs_heap_size_total_bytes'), externalBytes: value('nodejs_external_memory_bytes') };
    } catch {
      return null;
    }
  }

  /** SIGTERM, SIGKILL after graceMs; resolves with how it exited (its config and state directory go with it). */
  async stop(graceMs = 20_000): Promise<ApplianceExit> {
    await this.#inspector.close();
    await stopChild(this.#proc.child, graceMs);
    return this.#proc.exited;
  }
}

interface ApplianceLog {
  tail: string[];
  errors: string[];
  errorCount: number;
  fatal: number;
}

/** Starts the appliance with `yaml` (listeners on port 0) and resolves once it logged "ready" and its inspector answers. */
export async function startFuzzAppliance(yaml: string): Promise<FuzzAppliance> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'syslog-sentinel-fuzz-'));
  const configFile = path.join(dir, 'fuzz.yaml');
  writeFileSync(configFile, yaml.replaceAll('STATE_DIR', JSON.stringify(path.join(dir, 'state'))));
  const log: ApplianceLog = { tail: [], errors: [], errorCount: 0, fatal: 0 };
  let inspector: string | null = null;
  const removeDir = (): void => rmSync(dir, { recursive: true, force: true });
  let proc: ApplianceProcess;
  try {
    // stdout (incident JSON lines) is not read: it goes nowhere, so it can never block the appliance.
    proc = await spawnAppliance({
      configFile,
      cwd: dir,
      nodeArgs: ['--inspect=127.0.0.1:0'],
      onLine: (line, entry) => {
        inspector ??= inspectorUrl(line);
        readLogLine(line, entry, log);
      },
      onExit: removeDir,
    });
  } catch (err) {
    removeDir();
    throw err;
  }
  try {
    if (inspector === null) throw new Error('no "Debugger listening on" line before "ready"');
    return new FuzzAppliance(proc, log, await InspectorSession.connect(inspector, proc.child.pid ?? -1));
  } catch (err) {
    await stopChild(proc.child);
    throw new Error(`could not connect to the appliance's inspector: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/**
 * What Node itself prints on stderr about the inspector, and its deprecation and experimental-feature notices
 * (with their `(Use \`node --trace-...` hint): not the appliance's logs, not errors. Other warnings (a listener
 * leak: MaxListenersExceededWarning) count as errors.
 */
const NODE_LINE =
  /^(Debugger listening on |Debugger ending on |For help, see: |Debugger attached\.|Waiting for the debugger to disconnect|\(node:\d+\) (\[\w+\] )?(DeprecationWarning|ExperimentalWarning): |\(Use `node --trace-)/;

function readLogLine(line: string, entry: Record<string, unknown> | null, log: ApplianceLog): void {
  log.tail.push(line.length > 2000 ? `${line.slice(0, 2000)}…` : line);
  if (log.tail.length > TAIL_LINES) log.tail.shift();
  if (NODE_LINE.test(line)) return;
  // A line that is not JSON is a crash trace or a warning from Node itself: counted as an error.
  const level = entry === null ? 50 : typeof entry.level === 'number' ? entry.level : 0;
  if (level >= 60) log.fatal++;
  if (level >= 50) {
    log.errorCount++;
    if (log.errors.length < TAIL_LINES) log.errors.push(line.length > 2000 ? `${line.slice(0, 2000)}…` : line);
  }
}

function httpGet(port: number, pathname: string): Promise<{ status: number; body: string }> {
  return fetch(`http://127.0.0.1:${port}${pathname}`, { signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) }).then(async (res) => ({
    status: res.status,
    body: await res.text(),
  }));
}
