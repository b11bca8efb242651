/**
 * Runs one of the proof scripts (src/fuzz/main.ts, src/load/main.ts) from source through tsx, the way `npm run`
 * runs it built, and collects its output. A run past `limitMs` gets SIGINT, which the scripts answer by stopping
 * everything they started: a hung run cannot outlive the test.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const REPO = join(import.meta.dirname, '..', '..');
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

export interface ScriptRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface ScriptRunOptions {
  readonly limitMs: number;
  /** A shell snippet run first (e.g. raising `ulimit -n`); it must end by exec'ing its arguments ("$@"). */
  readonly shellPrelude?: string;
}

/** `node --import tsx src/<script> ...args` in the repository, NODE_OPTIONS cleared. */
export function runScript(script: string, args: readonly string[], options: ScriptRunOptions): Promise<ScriptRun> {
  const node = [process.execPath, '--import', TSX, join(REPO, 'src', script), ...args];
  const [command, ...argv] = options.shellPrelude === undefined ? node : ['sh', '-c', options.shellPrelude, 'sh', ...node];
  const child = spawn(command!, argv, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const timer = setTimeout(() => child.kill('SIGINT'), options.limitMs);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
}
