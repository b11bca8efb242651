/**
 * The appliance under fuzz: the real CLI, `node dist/src/main.js run --config <tmp yaml>` (or, when this file runs
 * from source through tsx, `node --import tsx src/main.ts`), with every listener and the metrics server on
 * 127.0.0.1 port 0, and the V8 inspector on 127.0.0.1 port 0 (for forced garbage collections, inspector.ts). Bound
 * ports come from its JSON logs on stderr ("listening", "http listening", "ready"); it is stopped by pid. Its stderr is read for the whole run (a full pipe would block its logger) and its fatal and
 * error lines are kept.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { hasExited, stopChild, track } from '../harness/children.js';
import { parsePromText, type Sample } from '../bench/prom-text.js';
import { InspectorSession, inspectorUrl, type LiveReading } from './inspector.js';
import type { HeapReading } from './monitor.js';

const START_TIMEOUT_MS = 30_000;
const HTTP_TIMEOUT_MS = 5_000;
const TAIL_LINES = 30;

/** How to start the CLI: the built main.js beside this module, or src/main.ts through tsx when run from source. */
export function cliCommand(): string[] {
  const built = fileURLToPath(new URL('../main.js', import.meta.url));
  if (existsSync(built)) return [built];
  const source = fileURLToPath(new URL('../main.ts', import.meta.url));
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return ['--import', tsx, source];
}

export interface ApplianceExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export class FuzzAppliance {
  readonly #child: ChildProcess;
  readonly #dir: string;
  readonly ports: ReadonlyMap<string, number>;
  readonly httpPort: number;
  readonly #log: ApplianceLog;
  readonly #exited: Promise<ApplianceExit>;
  readonly #inspector: InspectorSession;

  constructor(
    child: ChildProcess,
    dir: string,
    ports: ReadonlyMap<string, number>,
    httpPort: number,
    log: ApplianceLog,
    exited: Promise<ApplianceExit>,
    inspector: InspectorSession,
  ) {
    this.#child = child;
    this.#dir = dir;
    this.ports = ports;
    this.httpPort = httpPort;
    this.#log = log;
    this.#exited = exited;
    this.#inspector = inspector;
  }

  /** A full garbage collection, then the memory the appliance still holds. */
  live(t: number): Promise<LiveReading> {
    return this.#inspector.live(t);
  }

  get pid(): number {
    return this.#child.pid ?? -1;
  }

  /** Resolves when the process has exited (for whatever reason). */
  get exited(): Promise<ApplianceExit> {
    return this.#exited;
  }

  get alive(): boolean {
    return !hasExited(this.#child);
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

  /** SIGTERM, SIGKILL after graceMs; resolves with how it exited. Removes the config and state directory. */
  async stop(graceMs = 20_000): Promise<ApplianceExit> {
    await this.#inspector.close();
    await stopChild(this.#child, graceMs);
    const exit = await this.#exited;
    rmSync(this.#dir, { recursive: true, force: true });
    return exit;
  }
}

interface ApplianceLog {
  tail: string[];
  errors: string[];
  errorCount: number;
  fatal: number;
}

/** Starts the appliance with `yaml` (listeners on port 0) and resolves once it logged "ready". */
export function startFuzzAppliance(yaml: string): Promise<FuzzAppliance> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'syslog-sentinel-fuzz-'));
  const configFile = path.join(dir, 'fuzz.yaml');
  writeFileSync(configFile, yaml.replaceAll('STATE_DIR', JSON.stringify(path.join(dir, 'state'))));
  // stdout (incident JSON lines) is not read: it goes to /dev/null, so it can never block the appliance.
  const child = spawn(process.execPath, ['--inspect=127.0.0.1:0', ...cliCommand(), 'run', '--config', configFile], { stdio: ['ignore', 'ignore', 'pipe'], cwd: dir });
  track(child);
  const exited = new Promise<ApplianceExit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const log: ApplianceLog = { tail: [], errors: [], errorCount: 0, fatal: 0 };
  const ports = new Map<string, number>();
  let httpPort = -1;
  let inspector: string | null = null;

  return new Promise<FuzzAppliance>((resolve, reject) => {
    let settled = false;
    const fail = (why: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void stopChild(child).then(() => rmSync(dir, { recursive: true, force: true }));
      reject(new Error(`${why}\n--- appliance stderr (last lines) ---\n${log.tail.join('\n')}`));
    };
    const timer = setTimeout(() => fail(`the appliance did not log "ready" within ${START_TIMEOUT_MS / 1000} s`), START_TIMEOUT_MS);
    void exited.then(({ code, signal }) => fail(`the appliance exited during start (code ${code}, signal ${signal})`));
    let pending = '';
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (text: string) => {
      pending += text;
      for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n')) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        inspector ??= inspectorUrl(line);
        const entry = readLogLine(line, log);
        if (settled || entry === null) continue;
        if (entry.msg === 'listening' && typeof entry.listener === 'string' && typeof entry.port === 'number') ports.set(entry.listener, entry.port);
        else if (entry.msg === 'http listening' && typeof entry.port === 'number') httpPort = entry.port;
        else if (entry.msg === 'ready') {
          if (httpPort < 0 || inspector === null) return fail('the appliance logged "ready" without its http port or inspector URL');
          settled = true;
          InspectorSession.connect(inspector, child.pid ?? -1).then(
            (session) => {
              clearTimeout(timer);
              resolve(new FuzzAppliance(child, dir, ports, httpPort, log, exited, session));
            },
            (err: Error) => {
              settled = false;
              fail(`could not connect to the appliance's inspector: ${err.message}`);
            },
          );
        }
      }
    });
  });
}

/**
 * What Node itself prints on stderr about the inspector, and its deprecation and experimental-feature notices
 * (with their `(Use \`node --trace-...` hint): not the appliance's logs, not errors. Other warnings (a listener
 * leak: MaxListenersExceededWarning) count as errors.
 */
const NODE_LINE =
  /^(Debugger listening on |Debugger ending on |For help, see: |Debugger attached\.|Waiting for the debugger to disconnect|\(node:\d+\) (\[\w+\] )?(DeprecationWarning|ExperimentalWarning): |\(Use `node --trace-)/;

function readLogLine(line: string, log: ApplianceLog): Record<string, unknown> | null {
  log.tail.push(line.length > 2000 ? `${line.slice(0, 2000)}…` : line);
  if (log.tail.length > TAIL_LINES) log.tail.shift();
  if (NODE_LINE.test(line)) return null;
  let entry: Record<string, unknown> | null = null;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    // Not a JSON log line: a crash trace or Node's own warning. Counted as an error below.
  }
  const level = entry === null ? 50 : typeof entry.level === 'number' ? entry.level : 0;
  if (level >= 60) log.fatal++;
  if (level >= 50) {
    log.errorCount++;
    if (log.errors.length < TAIL_LINES) log.errors.push(line.length > 2000 ? `${line.slice(0, 2000)}…` : line);
  }
  return entry;
}

function httpGet(port: number, pathname: string): Promise<{ status: number; body: string }> {
  return fetch(`http://127.0.0.1:${port}${pathname}`, { signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) }).then(async (res) => ({
    status: res.status,
    body: await res.text(),
  }));
}
