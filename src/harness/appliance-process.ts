/**
 * The appliance as a child process, for the proof scripts (bench, fuzz, load): `node [flags] dist/src/main.js run
 * --config FILE`, or `node [flags] --import tsx src/main.ts run ...` when this module runs from source. The config
 * puts every listener and the metrics server on port 0; the ports it bound come from its JSON "listening" and
 * "http listening" lines on stderr, and it is ready at its "ready" line. Its stderr is read line by line for its
 * whole life (a full pipe would block its logger). It is tracked in children.ts, so the end of a run, an error or
 * SIGINT stops it by pid. NODE_OPTIONS is cleared: it runs with exactly the flags given here.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { stopChild, track } from './children.js';

const START_TIMEOUT_MS = 30_000;
/** stderr lines kept for the error message of a failed start. */
const TAIL_LINES = 20;
const MAX_TAIL_LINE = 2000;

export interface ApplianceExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface ApplianceSpawnOptions {
  readonly configFile: string;
  /** Its working directory: relative paths in the config (`stateDir: ./state`) are under it. */
  readonly cwd: string;
  /** Node flags before the script, e.g. `--inspect=127.0.0.1:0` or `--cpu-prof`. */
  readonly nodeArgs?: readonly string[];
  /** 'pipe' to read its stdout (the console notifier's incident lines); by default it goes nowhere. */
  readonly stdout?: 'pipe' | 'ignore';
  /** Every stderr line, for its whole life, with its JSON entry (null when the line is not JSON). */
  readonly onLine?: (line: string, entry: Record<string, unknown> | null) => void;
  /** Runs as soon as it exits, however (stop, failed start, crash, SIGINT): e.g. removing its directory. */
  readonly onExit?: () => void;
}

export interface ApplianceProcess {
  readonly child: ChildProcess;
  /** Listener name → the port it bound. */
  readonly ports: ReadonlyMap<string, number>;
  readonly httpPort: number;
  /** Resolves once it has exited and its stdout and stderr have been read to the end ('close'). */
  readonly exited: Promise<ApplianceExit>;
}

/** The command line after `node`: the built main.js beside this module, or src/main.ts through tsx. */
export function cliCommand(): string[] {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.ts')) {
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    return ['--import', tsx, path.join(path.dirname(here), '..', 'main.ts')];
  }
  return [path.join(path.dirname(here), '..', 'main.js')];
}

function jsonEntry(line: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(line);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * Starts the appliance and resolves once it logged "ready" with its metrics port. A start that fails (it exits,
 * it is not ready within 30 s, it is ready without an http port) stops the process, waits for its exit and
 * rejects with its last stderr lines.
 */
export async function spawnAppliance(o: ApplianceSpawnOptions): Promise<ApplianceProcess> {
  const child = spawn(process.execPath, [...(o.nodeArgs ?? []), ...cliCommand(), 'run', '--config', o.configFile], {
    cwd: o.cwd,
    stdio: ['ignore', o.stdout ?? 'ignore', 'pipe'],
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  track(child);
  if (o.onExit !== undefined) child.once('exit', o.onExit);
  const exited = new Promise<ApplianceExit>((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
  const ports = new Map<string, number>();
  let httpPort = -1;
  const tail: string[] = [];

  let onReady: (error: string | null) => void = () => undefined;
  const ready = new Promise<string | null>((resolve) => (onReady = resolve));
  createInterface({ input: child.stderr! }).on('line', (line) => {
    tail.push(line.length > MAX_TAIL_LINE ? `${line.slice(0, MAX_TAIL_LINE)}…` : line);
    if (tail.length > TAIL_LINES) tail.shift();
    const entry = jsonEntry(line);
    o.onLine?.(line, entry);
    if (entry === null) return;
    if (entry.msg === 'listening' && typeof entry.listener === 'string' && typeof entry.port === 'number') ports.set(entry.listener, entry.port);
    else if (entry.msg === 'http listening' && typeof entry.port === 'number') httpPort = entry.port;
    else if (entry.msg === 'ready') onReady(httpPort > 0 ? null : 'the appliance logged "ready" without its http port');
  });
  let spawnFailed = false;
  // 'on', not 'once': a later 'error' (a failed kill) must not go unhandled.
  child.on('error', (err) => {
    spawnFailed ||= child.pid === undefined;
    onReady(`could not start the appliance: ${err.message}`);
  });
  void exited.then(({ code, signal }) => onReady(`the appliance exited during start (code ${code}, signal ${signal})`));
  const timer = setTimeout(() => onReady(`the appliance did not log "ready" within ${START_TIMEOUT_MS / 1000} s`), START_TIMEOUT_MS);
  const error = await ready;
  clearTimeout(timer);
  if (error !== null) {
    // A process that never spawned emits no 'exit': there is nothing to stop.
    if (!spawnFailed) await stopChild(child, 2000);
    throw new Error(`${error}\n--- appliance stderr (last lines) ---\n${tail.join('\n')}`);
  }
  return { child, ports, httpPort, exited };
}
