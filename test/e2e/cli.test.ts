/** The real CLI as users run it: exit codes and the one-line messages for startup failures. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, startAppliance } from '../helpers/appliance-process.js';

const fixture = (name: string) => join(import.meta.dirname, '..', 'fixtures', 'config', name);
const DEFAULT_CONFIG = join(import.meta.dirname, '..', '..', 'config', 'default.yaml');

describe('syslog-sentinel check-config', () => {
  it('exits 0 on a good file', async () => {
    const r = await runCli(['check-config', fixture('good.yaml')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/OK \(listeners: udp 127\.0\.0\.1:5514, tcp 127\.0\.0\.1:5514/);
  });

  it('exits 1 listing every error with its path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sentinel-cli-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'listeners:\n  - { protocol: udp, port: 70000 }\n  - { protocol: tcp, port: 514, idleTimeout: later }\ncolour: red\n');
    const r = await runCli(['check-config', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('listeners.0.port');
    expect(r.stderr).toContain('listeners.1.idleTimeout');
    expect(r.stderr).toContain('colour');
  });

  it('exits 2 on usage errors', async () => {
    expect((await runCli(['check-config'])).code).toBe(2);
    expect((await runCli(['frobnicate'])).code).toBe(2);
  });
});

describe('syslog-sentinel run', () => {
  const isRoot = process.getuid?.() === 0;
  it('without privileges, binding port 514 fails with one line that says how to fix it', async () => {
    const r = await runCli(['run', '--config', DEFAULT_CONFIG], isRoot ? { uid: 65534, gid: 65534, cwd: tmpdir() } : { cwd: tmpdir() });
    expect(r.code).toBe(1);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('syslog-sentinel:'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/514/);
    expect(lines[0]).toMatch(/CAP_NET_BIND_SERVICE/);
    expect(lines[0]).toMatch(/--port 5514/);
  });

  it('--port moves both listeners to an unprivileged port; SIGTERM stops it with exit 0', async () => {
    // a port picked by the OS for a moment, then released: the appliance binds it for udp and tcp
    const { createServer } = await import('node:net');
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
    const port = (probe.address() as { port: number }).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const app = await startAppliance('listeners:\n  - { protocol: udp, address: 127.0.0.1, port: 514 }\n  - { protocol: tcp, address: 127.0.0.1, port: 514 }\nhttp: { address: 127.0.0.1, port: 0 }\n', ['--port', String(port)]);
    expect([...app.ports.values()]).toEqual([port, port]);
    expect(await app.stop('SIGTERM')).toBe(0);
  });

  it('a bad config fails startup with exit 1 and the errors on stderr', async () => {
    const r = await runCli(['run', '--config', fixture('bad-unknown-key.yaml')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/listeners\.0: Unrecognized key.*colour/);
  });
});
