/**
 * The load and fault script, shortened (`--quick`, a 15 s Slack outage), run from source the way `npm run load`
 * runs it built: every scenario against the real appliance on loopback, one line each, then the verdict.
 * 1,000 client sockets here and 1,000 in the appliance: the open-file limit is raised to 4096 for the run when
 * it is lower (and the hard limit allows).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SCENARIO_NAMES } from '../../src/load/options.js';
import { runScript } from '../helpers/script-run.js';

const RUN_LIMIT_MS = 240_000;
/** Raise the soft open-file limit if it is under 4096; never lower it. */
const ULIMIT = 'n=$(ulimit -n); if [ "$n" != unlimited ] && [ "$n" -lt 4096 ]; then ulimit -n 4096 2>/dev/null || true; fi; exec "$@"';

async function runLoad(args: readonly string[]): Promise<{ code: number | null; stdout: string[]; stderr: string }> {
  const run = await runScript('load/main.ts', args, { limitMs: RUN_LIMIT_MS, shellPrelude: ULIMIT });
  return { code: run.code, stdout: run.stdout.split('\n').filter((l) => l !== ''), stderr: run.stderr };
}

interface JsonReport {
  ok: boolean;
  verdict: string;
  scenarios: { name: string; ok: boolean; figures: Record<string, number | string | boolean | null>; failures: string[] }[];
}

const dir = mkdtempSync(join(tmpdir(), 'sentinel-load-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run load -- --quick', () => {
  it('every scenario passes with its figures, and the last line is the verdict', async () => {
    const jsonFile = join(dir, 'load.json');
    const run = await runLoad(['--quick', '--slack-outage', '15s', '--json', jsonFile]);
    const context = `stdout:\n${run.stdout.join('\n')}\nstderr (end):\n${run.stderr.slice(-3000)}`;
    expect(run.stdout.at(-1), context).toBe(`load: PASS (${SCENARIO_NAMES.length}/${SCENARIO_NAMES.length} scenarios)`);
    expect(run.code, context).toBe(0);
    expect(run.stdout.slice(0, -1).map((l) => l.split(':')[0])).toEqual(SCENARIO_NAMES.map((n) => `PASS ${n}`));

    const report = JSON.parse(readFileSync(jsonFile, 'utf8')) as JsonReport;
    expect(report.ok).toBe(true);
    const fig = (name: string) => report.scenarios.find((s) => s.name === name)!.figures;
    expect(fig('connections')).toMatchObject({ openAfterHold: 1000, closedDuringHold: 0, messagesAfterHold: 1000, refused: 20 });
    expect(fig('slowloris').countedIdleTimeout).toBe(Number(fig('slowloris').silent) + Number(fig('slowloris').trickleLine) + Number(fig('slowloris').trickleOctet));
    expect(fig('backpressure').tcpReceived).toBe(fig('backpressure').tcpWritten);
    expect(Number(fig('backpressure').tcpFalseWrites)).toBeGreaterThan(0);
    expect(Number(fig('backpressure').udpKernelDrops)).toBeGreaterThan(0);
    expect(Number(fig('backpressure').udpReceived) + Number(fig('backpressure').udpKernelDrops)).toBe(fig('backpressure').udpSent);
    expect(fig('spoofed-hosts')).toMatchObject({ hosts: 20_000, trackedKeys: 10_000, evictions: 10_000 });
    // The memory it holds after full GCs was read through the inspector, at the cap and at the end.
    expect(Number(fig('spoofed-hosts').liveAtCapMiB)).toBeGreaterThan(0);
    expect(Number(fig('spoofed-hosts').liveEndMiB) - Number(fig('spoofed-hosts').liveAtCapMiB)).toBeLessThanOrEqual(4);
    expect(fig('sigterm').processed).toBe(fig('sigterm').sent);
    expect(fig('sigterm').exitCode).toBe(0);
    expect(fig('kill9')).toMatchObject({ corruptFiles: 0, activeMutesAfterRestart: 1 });
    expect(fig('kill9').openAfterRestart).toBe(fig('kill9').openIncidentsOnDisk);
    expect(fig('slack-outage')).toMatchObject({ outageSeconds: 15, outboxDepth: 0, outboxFailed: 0, outboxOverflow: 0 });
    expect(fig('slack-outage').outboxSent).toBe(Number(fig('slack-outage').posts) + Number(fig('slack-outage').updates));
  }, RUN_LIMIT_MS + 10_000);

  it('a usage error exits 2 and names the problem', async () => {
    const run = await runLoad(['--scenarios', 'connections,nope']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('unknown scenario "nope"');
  }, 30_000);
});
