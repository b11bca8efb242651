/**
 * The load-time half of the regex question: the appliance, started with rules whose patterns backtrack
 * catastrophically (fuzz-config.ts CATASTROPHIC_RULES), must refuse to start: exit code 1, one line per pattern
 * naming its config path and saying it is unsafe, and no listener bound.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stopChild, track } from '../harness/children.js';
import { cliCommand } from '../harness/appliance-process.js';
import { CATASTROPHIC_RULES, catastrophicConfigYaml } from './fuzz-config.js';

export interface UnsafePatternCheck {
  /** Exit code 1, every pattern named, nothing bound. */
  readonly refused: boolean;
  readonly exitCode: number | null;
  readonly ms: number;
  readonly patterns: readonly string[];
  /** Config paths the error output did not name as unsafe. */
  readonly missing: readonly string[];
  /** The appliance got as far as binding a listener. */
  readonly listened: boolean;
  /** The first lines of its stderr. */
  readonly output: string;
}

export async function checkUnsafePatternsRefused(timeoutMs = 30_000): Promise<UnsafePatternCheck> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'syslog-sentinel-fuzz-unsafe-'));
  const configFile = path.join(dir, 'unsafe.yaml');
  writeFileSync(configFile, catastrophicConfigYaml().replaceAll('STATE_DIR', JSON.stringify(path.join(dir, 'state'))));
  const started = performance.now();
  const child = spawn(process.execPath, [...cliCommand(), 'run', '--config', configFile], { stdio: ['ignore', 'ignore', 'pipe'], cwd: dir });
  track(child);
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (t: string) => {
    if (stderr.length < 64 * 1024) stderr += t;
  });
  const timer = setTimeout(() => void stopChild(child, 2000, 'SIGKILL'), timeoutMs);
  const exitCode = await new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  clearTimeout(timer);
  const ms = performance.now() - started;
  rmSync(dir, { recursive: true, force: true });
  const lines = stderr.split('\n');
  const missing = CATASTROPHIC_RULES.filter((c) => !lines.some((l) => l.includes(`${c.where}: unsafe pattern`))).map((c) => c.where);
  const listened = lines.some((l) => l.includes('"msg":"listening"'));
  return {
    refused: exitCode === 1 && missing.length === 0 && !listened,
    exitCode,
    ms,
    patterns: CATASTROPHIC_RULES.map((c) => ('patterns' in c.rule ? c.rule.patterns[0] : c.rule.match.message)),
    missing,
    listened,
    output: lines.slice(0, 8).join('\n'),
  };
}
