import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';

const REPO = join(import.meta.dirname, '..', '..');
export const MAIN = join(REPO, 'src', 'main.ts');
/** tsx's loader as an absolute URL, so the CLI can run from any working directory. */
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

export interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly [key: string]: unknown;
}

export interface RunningAppliance {
  readonly child: ChildProcess;
  readonly dir: string;
  /** Bound port per listener name, from the appliance's own "listening" log lines. */
  readonly ports: ReadonlyMap<string, number>;
  readonly httpBase: string;
  readonly logs: LogLine[];
  readonly stdout: string[];
  /** Sends a signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  metrics(): Promise<string>;
}

export interface CliOptions {
  cwd?: string;
  uid?: number;
  gid?: number;
  stdin?: string;
  /**
   * A built entry point (e.g. `<install>/dist/src/main.js`) to run with plain `node`, without tsx, as an installed
   * appliance runs. Default: `src/main.ts` from source through tsx.
   */
  main?: string;
}

/** `node --import tsx src/main.ts ...` with the repo's own loader: the real CLI, run from source (or `node <main>`). */
export function spawnCli(args: readonly string[], options: CliOptions = {}): ChildProcess {
  const entry = options.main === undefined ? ['--import', TSX, MAIN] : [options.main];
  const child = spawn(process.execPath, [...entry, ...args], {
    cwd: options.cwd ?? REPO,
    stdio: ['pipe', 'pipe', 'pipe'],
    uid: options.uid,
    gid: options.gid,
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  if (options.stdin !== undefined) child.stdin!.end(options.stdin);
  else child.stdin!.end();
  return child;
}

export async function runCli(args: readonly string[], options: CliOptions = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawnCli(args, options);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  return { code, stdout, stderr };
}

/**
 * Starts the appliance with the given YAML (ports 0 = any free port) and waits for its "ready" log line.
 * The caller must stop() it.
 */
export async function startAppliance(
  yaml: string,
  extraArgs: readonly string[] = [],
  timeoutMs = 15_000,
  /** A working directory to reuse (e.g. across a restart); it is then left in place on stop. */
  workDir?: string,
  /** `main`: run this built main.js with plain node instead of src/main.ts through tsx (see CliOptions). */
  launch: Pick<CliOptions, 'main'> = {},
): Promise<RunningAppliance> {
  const dir = workDir ?? mkdtempSync(join(tmpdir(), 'sentinel-e2e-'));
  const removeDir = () => {
    if (workDir === undefined) rmSync(dir, { recursive: true, force: true });
  };
  const configFile = join(dir, 'config.yaml');
  writeFileSync(configFile, yaml);
  const child = spawnCli(['run', '--config', configFile, ...extraArgs], { cwd: dir, ...launch });
  const logs: LogLine[] = [];
  const stdout: string[] = [];
  const ports = new Map<string, number>();
  let httpPort = 0;
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  createInterface({ input: child.stdout! }).on('line', (line) => stdout.push(line));
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`appliance not ready after ${timeoutMs} ms; logs:\n${logs.map((l) => JSON.stringify(l)).join('\n')}`)), timeoutMs);
    createInterface({ input: child.stderr! }).on('line', (line) => {
      let entry: LogLine;
      try {
        entry = JSON.parse(line) as LogLine;
      } catch {
        entry = { level: 60, msg: line };
      }
      logs.push(entry);
      if (entry.msg === 'listening' && typeof entry.listener === 'string') ports.set(entry.listener, Number(entry.port));
      if (entry.msg === 'http listening') httpPort = Number(entry.port);
      if (entry.msg === 'ready') {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`appliance exited with ${code} before ready; logs:\n${logs.map((l) => JSON.stringify(l)).join('\n')}`));
    });
  });
  try {
    await ready;
  } catch (err) {
    child.kill('SIGKILL');
    removeDir();
    throw err;
  }
  const httpBase = `http://127.0.0.1:${httpPort}`;
  return {
    child,
    dir,
    ports,
    httpBase,
    logs,
    stdout,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const code = await exited;
      clearTimeout(timer);
      removeDir();
      return code;
    },
    async metrics() {
      return (await fetch(`${httpBase}/metrics`)).text();
    },
  };
}

/** The value of one series in a Prometheus exposition, e.g. `syslog_messages_received_total{transport="udp"}`. */
export function metricValue(exposition: string, series: string): number | undefined {
  const line = exposition.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** Polls until `check` returns true (or throws the last failure after timeoutMs). */
export async function eventually(check: () => Promise<boolean> | boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
