/**
 * The appliance under load: the real daemon (src/harness/appliance-process.ts starts it and learns its ports from
 * its JSON "listening" lines), counters from /metrics, memory from /proc, incident events from its stdout.
 * Every appliance started is tracked (src/harness/children.ts), so the end of the run, an error or SIGINT kills
 * exactly those processes; the temporary directories made here (makeTempDir) are removed then as well.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { spawnAppliance, type ApplianceExit, type ApplianceProcess } from '../harness/appliance-process.js';
import { killAllChildrenNow, stopChild } from '../harness/children.js';
import { InspectorSession, inspectorUrl, type LiveReading } from '../harness/inspector.js';
import { readProcessMemory, type ProcessMemory } from '../harness/process-memory.js';
import { MetricsText } from './metrics-text.js';

const STOP_TIMEOUT_MS = 20_000;
/** Log lines kept per appliance (the newest), for figures and for failure messages. */
const MAX_LOGS = 2000;
/** Incident events (stdout lines) kept per appliance. */
const MAX_EVENTS = 100_000;

export interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly [key: string]: unknown;
}

export type Exit = ApplianceExit;

const tempDirs = new Set<string>();

/** A new directory under the system's temporary directory, removed by removeDir() or at the latest by killAppliances(). */
export function makeTempDir(name: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `syslog-sentinel-load-${name}-`));
  tempDirs.add(dir);
  return dir;
}

/** What the appliance logged (the newest MAX_LOGS lines), and what those lines said about its Slack receiver. */
class LogBook {
  readonly lines: LogLine[] = [];
  /** The Slack HTTP receiver's port (notify.slack in http mode), from the "Slack connected" line. */
  slackPort: number | null = null;

  add(line: string, entry: Record<string, unknown> | null): void {
    const e: LogLine = entry === null || typeof entry.msg !== 'string' ? { level: 60, msg: line } : (entry as LogLine);
    if (this.lines.length >= MAX_LOGS) this.lines.splice(0, MAX_LOGS / 2);
    this.lines.push(e);
    if (e.msg === 'Slack connected' && typeof e.port === 'number') this.slackPort = e.port;
  }

  tail(n: number): string {
    return this.lines.slice(-n).map((l) => JSON.stringify(l)).join('\n');
  }
}

export class Appliance {
  /** Incident events: the console notifier's JSON lines on stdout. */
  readonly events: Record<string, unknown>[] = [];
  readonly #proc: ApplianceProcess;
  readonly #log: LogBook;
  readonly #inspector: InspectorSession | null;

  constructor(
    proc: ApplianceProcess,
    log: LogBook,
    /** The working directory: config.yaml, and state/ unless the config says otherwise. */
    readonly dir: string,
    inspector: InspectorSession | null,
  ) {
    this.#proc = proc;
    this.#log = log;
    this.#inspector = inspector;
    createInterface({ input: proc.child.stdout! }).on('line', (line) => {
      if (this.events.length >= MAX_EVENTS) return;
      try {
        this.events.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        this.events.push({ unparsed: line });
      }
    });
  }

  get ports(): ReadonlyMap<string, number> {
    return this.#proc.ports;
  }

  get httpPort(): number {
    return this.#proc.httpPort;
  }

  get slackPort(): number | null {
    return this.#log.slackPort;
  }

  get logs(): readonly LogLine[] {
    return this.#log.lines;
  }

  /** Resolves once it has exited and its stdout and stderr have been read to the end. */
  get exited(): Promise<Exit> {
    return this.#proc.exited;
  }

  get pid(): number {
    return this.#proc.child.pid ?? -1;
  }

  get running(): boolean {
    return this.#proc.child.exitCode === null && this.#proc.child.signalCode === null;
  }

  port(listener: string): number {
    const port = this.ports.get(listener);
    if (port === undefined) throw new Error(`the appliance has no listener named ${listener} (it has ${[...this.ports.keys()].join(', ')})`);
    return port;
  }

  async metrics(): Promise<MetricsText> {
    const res = await fetch(`http://127.0.0.1:${this.httpPort}/metrics`, { signal: AbortSignal.timeout(10_000) });
    if (res.status !== 200) throw new Error(`GET /metrics: HTTP ${res.status}`);
    return new MetricsText(await res.text());
  }

  memory(): ProcessMemory | null {
    return readProcessMemory(this.pid);
  }

  /** A full garbage collection, then the memory it still holds (only when started with `inspect`). */
  live(): Promise<LiveReading> {
    if (this.#inspector === null) return Promise.reject(new Error('the appliance was started without the inspector'));
    return this.#inspector.live(performance.now());
  }

  /** Sends `signal` and waits for the exit (SIGKILL after STOP_TIMEOUT_MS). */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<Exit> {
    // Node would wait for a connected debugger to go before it exits.
    await this.#inspector?.close();
    await stopChild(this.#proc.child, STOP_TIMEOUT_MS, signal);
    return this.exited;
  }

  /** The last log lines, for a failure message. */
  tail(n = 8): string {
    return this.#log.tail(n);
  }

  logged(msg: string): LogLine[] {
    return this.logs.filter((l) => l.msg === msg);
  }
}

export interface StartOptions {
  /** Reuse this working directory (a restart over the same state); it is then not removed with the appliance. */
  readonly dir?: string;
  /** Start it with the V8 inspector on 127.0.0.1 (a kernel-chosen port), for live() readings. */
  readonly inspect?: boolean;
}

/** Writes the config, starts the appliance and waits for its "ready" line. The caller stops it (or killAppliances()). */
export async function startAppliance(yaml: string, options: StartOptions = {}): Promise<Appliance> {
  const dir = options.dir ?? makeTempDir('appliance');
  const configFile = path.join(dir, 'config.yaml');
  writeFileSync(configFile, yaml);
  const log = new LogBook();
  let inspectorAt: string | null = null;
  // A directory made here goes with the appliance; a directory passed in (a restart over the same state) stays.
  const own = options.dir === undefined;
  const proc = await spawnAppliance({
    configFile,
    cwd: dir,
    nodeArgs: options.inspect === true ? ['--inspect=127.0.0.1:0'] : [],
    stdout: 'pipe',
    onLine: (line, entry) => {
      if (options.inspect === true) inspectorAt ??= inspectorUrl(line);
      log.add(line, entry);
    },
    onExit: own ? () => removeDir(dir) : undefined,
  }).catch((err: unknown) => {
    if (own) removeDir(dir);
    throw err;
  });
  let inspector: InspectorSession | null = null;
  if (options.inspect === true) {
    try {
      if (inspectorAt === null) throw new Error('no "Debugger listening on" line before "ready"');
      inspector = await InspectorSession.connect(inspectorAt, proc.child.pid ?? -1);
    } catch (err) {
      await stopChild(proc.child, STOP_TIMEOUT_MS, 'SIGKILL');
      throw new Error(`could not connect to the appliance's inspector: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return new Appliance(proc, log, dir, inspector);
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  tempDirs.delete(dir);
}

/** Last resort (exit, SIGINT): SIGKILL every appliance still running and remove the temporary directories, synchronously. */
export function killAppliances(): void {
  killAllChildrenNow();
  for (const dir of tempDirs) {
    try {
      removeDir(dir);
    } catch {
      // a directory a dying appliance is still writing to: nothing more to do at exit
    }
  }
}
