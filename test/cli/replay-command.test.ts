/**
 * `replay` through the real CLI: every incident event reaches stdout, even when a file opens and resolves more
 * incidents at once than a notifier queue holds by default (1,000).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/appliance-process.js';

const dir = mkdtempSync(join(tmpdir(), 'sentinel-replay-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('replay command', () => {
  it('1,500 hosts each opening an incident give 1,500 fired and 1,500 resolved events, in that order per incident', async () => {
    writeFileSync(join(dir, 'config.yaml'), 'listeners: [{ protocol: udp, port: 5514 }]\nrules:\n  - { name: kw, type: keyword, keywords: ["BOOM"] }\n');
    const lines = Array.from({ length: 1500 }, (_, i) => `<13>Nov 21 10:00:00 host${i} app: BOOM`);
    writeFileSync(join(dir, 'lines.log'), `${lines.join('\n')}\n`);
    const r = await runCli(['replay', '--config', join(dir, 'config.yaml'), '--now', '2026-11-21T10:00:00Z', join(dir, 'lines.log')]);
    expect(r.code, r.stderr).toBe(0);
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { event: string; incident: string; key: { host: string } });
    const fired = events.filter((e) => e.event === 'fired');
    const resolved = events.filter((e) => e.event === 'resolved');
    expect(fired).toHaveLength(1500);
    expect(resolved).toHaveLength(1500);
    expect(new Set(fired.map((e) => e.key.host)).size).toBe(1500);
    const firedAt = new Map(events.map((e, i) => [`${e.event}:${e.incident}`, i]));
    for (const e of resolved) expect(firedAt.get(`fired:${e.incident}`)).toBeLessThan(firedAt.get(`resolved:${e.incident}`)!);
    expect(r.stderr).toMatch(/incidents: 1500/);
  });
});
