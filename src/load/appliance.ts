/**
 * The appliance under load: the real daemon, `node dist/src/main.js run --config <tmp yaml>` (or, when this
 * script itself runs from source through tsx, `node --import tsx src/main.ts run ...`). Bound ports come from
 * its JSON "listening" log lines (ports 0 in the config), counters from /metrics, memory from /proc.
 * Every appliance started is tracked, so the end of the run, an error or SIGINT kills exactly those processes;
 * the temporary directories made here (makeTempDir) are removed then as well.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MetricsText } from './metrics-text.js';
import { readProcessMemory, type ProcessMemory } from '../harness/process-memory.js';

const START_TIMEOUT_MS = 30_000;
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

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

const live = new Set<ChildProcess>();
const tempDirs = new Set<string>();

/** A new directory under the system's temporary directory, removed by removeDir() or at the latest by killAppliances(). */
export function makeTempDir(name: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `syslog-sentinel-load-${name}-`));
  tempDirs.add(dir);
  return dir;
}

/** The command that runs the appliance: the built main.js next to this file, or src/main.ts through tsx. */
function applianceCommand(): string[] {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.ts')) {
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    return ['--import', tsx, path.join(path.dirname(here), '..', 'main.ts')];
  }
  return [path.join(path.dirname(here), '..', 'main.js')];
}

export class Appliance {
  readonly ports = new Map<string, number>();
  httpPort = -1;
  /** The Slack HTTP receiver's port (notify.slack in http mode), from the "Slack connected" line. */
  slackPort: number | null = null;
  readonly logs: LogLine[] = [];
  /** Incident events: the console notifier's JSON lines on stdout. */
  readonly events: Record<string, unknown>[] = [];
  readonly exited: Promise<Exit>;
  readonly #child: ChildProcess;

  constructor(
    child: ChildProcess,
    /** The working directory: config.yaml, and state/ unless the config says otherwise. */
    readonly dir: string,
  ) {
    this.#child = child;
    // 'close', not 'exit': by then stdout and stderr have been read to the end.
    this.exited = new Promise((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (this.events.length >= MAX_EVENTS) return;
      try {
        this.events.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        this.events.push({ unparsed: line });
      }
    });
  }

  get pid(): number {
    return this.#child.pid ?? -1;
  }

  get running(): boolean {
    return this.#child.exitCode === null && this.#child.signalCode === null;
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

  /** Sends `signal` and waits for the exit (SIGKILL after STOP_TIMEOUT_MS). */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<Exit> {
    if (this.running) this.#child.kill(signal);
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  /** The last log lines, for a failure message. */
  tail(n = 8): string {
    return this.logs.slice(-n).map((l) => JSON.stringify(l)).join('\n');
  }

  logged(msg: string): LogLine[] {
    return this.logs.filter((l) => l.msg === msg);
  }

  /** Feeds one stderr line; resolves `ready` when the appliance logs it. */
  onLog(line: string): LogLine {
    let entry: LogLine;
    try {
      entry = JSON.parse(line) as LogLine;
    } catch {
      entry = { level: 60, msg: line };
    }
    if (this.logs.length >= MAX_LOGS) this.logs.splice(0, MAX_LOGS / 2);
    this.logs.push(entry);
    if (entry.msg === 'listening' && typeof entry.listener === 'string' && typeof entry.port === 'number') this.ports.set(entry.listener, entry.port);
    else if (entry.msg === 'http listening' && typeof entry.port === 'number') this.httpPort = entry.port;
    else if (entry.msg === 'Slack connected' && typeof entry.port === 'number') this.slackPort = entry.port;
    return entry;
  }
}

export interface StartOptions {
  /** Reuse this working directory (a restart over the same state); it is then not removed with the appliance. */
  readonly dir?: string;
}

/** Writes the config, starts the appliance and waits for its "ready" line. The caller stops it (or killAppliances()). */
export async function startAppliance(yaml: string, options: StartOptions = {}): Promise<Appliance> {
  const dir = options.dir ?? makeTempDir('appliance');
  const configFile = path.join(dir, 'config.yaml');
  writeFileSync(configFile, yaml);
  const child = spawn(process.execPath, [...applianceCommand(), 'run', '--config', configFile], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  live.add(child);
  child.once('exit', () => live.delete(child));
  const appliance = new Appliance(child, dir);
  if (options.dir === undefined) void appliance.exited.then(() => removeDir(dir));

  await new Promise<void>((resolve, reject) => {
    let settled = false;
    const settle = (err: Error | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err === null) resolve();
      else reject(err);
    };
    const timer = setTimeout(() => settle(new Error(`the appliance did not log "ready" within ${START_TIMEOUT_MS / 1000} s:\n${appliance.tail()}`)), START_TIMEOUT_MS);
    createInterface({ input: child.stderr! }).on('line', (line) => {
      const entry = appliance.onLog(line);
      if (entry.msg === 'ready') settle(appliance.httpPort > 0 ? null : new Error('the appliance logged "ready" without its http port'));
    });
    void appliance.exited.then((exit) => settle(new Error(`the appliance exited during start (code ${exit.code}, signal ${exit.signal}):\n${appliance.tail()}`)));
  }).catch(async (err: unknown) => {
    await appliance.stop('SIGKILL');
    throw err;
  });
  return appliance;
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  tempDirs.delete(dir);
}

/** Last resort (exit, SIGINT): SIGKILL every appliance still running and remove the temporary directories, synchronously. */
export function killAppliances(): void {
  for (const child of live) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const dir of tempDirs) {
    try {
      removeDir(dir);
    } catch {
      // a directory a dying appliance is still writing to: nothing more to do at exit
    }
  }
}
