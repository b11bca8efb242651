/**
 * The fuzz script end to end, shortened: `node --import tsx src/fuzz/main.ts --frames 20000` against the real
 * appliance (started from src/main.ts through tsx) on loopback. It must end with `fuzz: PASS (...)` and exit 0,
 * and its JSON must show that the run exercised what it claims: every drop reason, every family, resets.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PAYLOAD_FAMILIES } from '../../src/fuzz/generators.js';
import type { FuzzResult } from '../../src/fuzz/run.js';
import { runScript as run } from '../helpers/script-run.js';

const dir = mkdtempSync(join(tmpdir(), 'fuzz-script-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The script stops at its own --timeout (150 s below); SIGINT at 170 s is the backstop. */
const runScript = (args: readonly string[]) => run('fuzz/main.ts', args, { limitMs: 170_000 });

describe('npm run fuzz, shortened', () => {
  it('sends 20k frames of bad input and ends with fuzz: PASS, every frame accounted for', async () => {
    const json = join(dir, 'fuzz.json');
    const { code, stdout, stderr } = await runScript(['--frames', '20000', '--seed', '7', '--json', json, '--timeout', '150']);
    const lines = stdout.trimEnd().split('\n');
    const last = lines[lines.length - 1]!;
    expect(last, `${stdout}\n${stderr}`).toMatch(/^fuzz: PASS \(20000 frames \(10000 udp, 10000 tcp in \d+ connections\)/);
    expect(code).toBe(0);

    const result = JSON.parse(readFileSync(json, 'utf8')) as FuzzResult;
    const o = result.observations;
    expect(result.verdict.pass).toBe(true);
    expect(o.udp.sent).toBe(10_000);
    expect(o.tcp.payloads).toBe(10_000);
    expect(o.aliveAtEnd).toBe(true);
    expect(o.stopExit).toEqual({ code: 0, signal: null });
    expect(o.unsafe.refused).toBe(true);
    // Forced full collections through the inspector worked (every 2 s with --quick's interval, and after the traffic).
    expect(o.liveErrors).toEqual([]);
    expect(o.liveReadings.length).toBeGreaterThanOrEqual(1);
    expect(o.liveReadings.at(-1)!.heapUsedBytes).toBeGreaterThan(0);
    // The run exercised what it claims to: every family both ways, every drop reason the appliance can count today.
    for (const f of PAYLOAD_FAMILIES) {
      expect(o.udp.families[f] ?? 0, `udp ${f}`).toBeGreaterThan(0);
      expect(o.tcp.families[f] ?? 0, `tcp ${f}`).toBeGreaterThan(0);
    }
    const s = o.snapshot!;
    for (const reason of ['oversize', 'denied', 'empty'] as const) expect(s.drops.udp[reason] ?? 0, `udp ${reason}`).toBeGreaterThan(0);
    for (const reason of ['oversize', 'denied', 'connection_limit', 'bad_frame', 'truncated', 'empty'] as const) {
      expect(s.drops.tcp[reason] ?? 0, `tcp ${reason}`).toBeGreaterThan(0);
    }
    expect(o.tcpExpected.rstConnections).toBeGreaterThan(0);
    expect(s.closed.idle_timeout).toBe(2);
    expect(s.received.udp + s.received.tcp).toBeGreaterThan(10_000);
  }, 180_000);

  it('refuses bad flags with exit code 2', async () => {
    const { code, stderr } = await runScript(['--frames', 'many']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--frames: expected a number/);
  });
});
