/**
 * The Dockerfile's runtime stage without Docker: `npm ci --omit=dev` into a temp dir, dist/src built fresh by the
 * repo's own TypeScript, config/ copied, then the appliance run from there with plain `node` (no tsx, no dev
 * dependencies reachable). Skipped when the npm registry cannot be reached.
 */
import { execFile, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { copyFileSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { eventually, metricValue, runCli, startAppliance } from '../helpers/appliance-process.js';

const REPO = join(import.meta.dirname, '..', '..');
const TSC = join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');
const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
  version: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/** `npm ping` within 15 s: without a registry there is nothing to install from, so the file is skipped. */
async function registryReachable(): Promise<boolean> {
  return new Promise((resolve) => {
    execFile('npm', ['ping'], { timeout: 15_000, env: { ...process.env, NODE_OPTIONS: '' } }, (err) => resolve(err === null));
  });
}

/** Runs a command to completion; rejects with its output on a non-zero exit or after timeoutMs. */
async function run(command: string, args: readonly string[], cwd: string, timeoutMs: number): Promise<void> {
  const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (c, s) => resolve([c, s]));
  }).finally(() => clearTimeout(timer));
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} failed (${signal ?? code}${signal === 'SIGKILL' ? `, timeout ${timeoutMs} ms?` : ''}):\n${output}`);
}

const online = await registryReachable();

describe.skipIf(!online)('production install, as the Dockerfile runtime stage does it', () => {
  let dir = '';
  let main = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sentinel-prod-'));
    main = join(dir, 'dist', 'src', 'main.js');
    copyFileSync(join(REPO, 'package.json'), join(dir, 'package.json'));
    copyFileSync(join(REPO, 'package-lock.json'), join(dir, 'package-lock.json'));
    cpSync(join(REPO, 'config'), join(dir, 'config'), { recursive: true });
    // one after the other, not side by side: tsc alone keeps both cores of a small CI machine busy, and the
    // other e2e files running next to this one have timing-sensitive restarts
    await run('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund', '--ignore-scripts'], dir, 120_000);
    await run(process.execPath, [TSC, '-p', 'tsconfig.build.json', '--outDir', join(dir, 'dist')], REPO, 60_000);
  }, 150_000);

  afterAll(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('installs the dependencies and no devDependency; dist holds only src', () => {
    const modules = join(dir, 'node_modules');
    for (const name of Object.keys(pkg.dependencies)) expect(existsSync(join(modules, name)), name).toBe(true);
    const devOnly = ['vitest', 'typescript', 'tsx', 'fast-check', 'syslog-parse', 'nsyslog-parser', '@types/node', 'ws', '@types/ws'];
    expect(Object.keys(pkg.devDependencies).sort()).toEqual([...devOnly].sort());
    // @types/node is also a dependency of the @slack/* packages, so a production install keeps it.
    for (const name of devOnly.filter((n) => n !== '@types/node')) expect(existsSync(join(modules, name)), name).toBe(false);
    // nor anything the lockfile marks dev-only (vite, esbuild, ... pulled in by the devDependencies)
    const lock = JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
    const devPaths = Object.entries(lock.packages).filter(([path, entry]) => path !== '' && entry.dev === true).map(([path]) => path);
    expect(devPaths.length).toBeGreaterThan(0);
    expect(devPaths.filter((path) => existsSync(join(dir, path)))).toEqual([]);
    expect(readdirSync(join(dir, 'dist'))).toEqual(['src']);
  });

  it('`--version` prints the package version', async () => {
    const r = await runCli(['--version'], { cwd: dir, main });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${pkg.version}\n`);
  });

  it('`check-config config/docker.yaml` (the image config) exits 0', async () => {
    const r = await runCli(['check-config', join(dir, 'config', 'docker.yaml')], { cwd: dir, main });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/: OK \(listeners: udp 0\.0\.0\.0:514, tcp 0\.0\.0\.0:514; http 0\.0\.0\.0:9514; 2 rules\)/);
  });

  it('runs with plain node: ready, /healthz 200, counts a UDP message, SIGTERM exits 0', async () => {
    const defaults = parseYaml(readFileSync(join(dir, 'config', 'default.yaml'), 'utf8')) as { rules: unknown[] };
    const yaml = stringifyYaml({
      listeners: [
        { protocol: 'udp', address: '127.0.0.1', port: 0 },
        { protocol: 'tcp', address: '127.0.0.1', port: 0 },
      ],
      http: { address: '127.0.0.1', port: 0 },
      stateDir: join(dir, 'state'),
      timezone: 'UTC',
      rules: defaults.rules,
      notify: { console: {} },
      log: { level: 'info' },
    });
    const app = await startAppliance(yaml, [], 15_000, dir, { main });
    try {
      expect(app.ports.size).toBe(2);
      const health = await fetch(`${app.httpBase}/healthz`);
      expect(health.status).toBe(200);
      // the image's HEALTHCHECK command itself, pointed at this instance's port
      const dockerfile = readFileSync(join(REPO, 'Dockerfile'), 'utf8');
      const check = /CMD node -e "(.+)"\s*$/m.exec(dockerfile)?.[1];
      expect(check).toContain('127.0.0.1:9514/healthz');
      await run(process.execPath, ['-e', check!.replace('127.0.0.1:9514', new URL(app.httpBase).host)], dir, 5_000);

      const udpPort = app.logs.find((l) => l.msg === 'listening' && l.protocol === 'udp')?.port as number | undefined;
      expect(udpPort).toBeGreaterThan(0);
      const socket = createSocket('udp4');
      const line = `<38>Oct 11 22:14:15 web01 sshd[4242]: Invalid user admin from 203.0.113.9 port 50022`;
      await new Promise<void>((resolve, reject) => socket.send(line, udpPort!, '127.0.0.1', (err) => (err ? reject(err) : resolve())));
      socket.close();
      await eventually(
        async () => metricValue(await app.metrics(), 'syslog_messages_received_total{transport="udp"}') === 1,
        5000,
        'syslog_messages_received_total{transport="udp"} 1',
      );

      expect(await app.stop('SIGTERM')).toBe(0);
    } finally {
      if (app.child.exitCode === null && app.child.signalCode === null) app.child.kill('SIGKILL');
    }
  });
});
