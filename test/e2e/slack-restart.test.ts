/**
 * Slack across a restart of the real daemon, in both transport modes: the incident's message reference is
 * persisted with it, so an update after the restart edits the same message; events queued in the outbox while
 * Slack is unreachable survive the restart and are delivered once Slack is back.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startAppliance } from '../helpers/appliance-process.js';
import { startFakeSlackApi } from '../helpers/fake-slack-api.js';
import { startFakeSocketMode } from '../helpers/fake-socket-mode.js';
import { callsAbout, sleep, slackYaml, sshBurst, waitUntil } from '../helpers/slack-appliance.js';

describe('Slack across a restart', () => {
  it.each(['http', 'socket'] as const)('%s mode: a restart between fire and update edits the same message; events queued while Slack is down survive it', async (mode) => {
    const api = await startFakeSlackApi();
    const socket = mode === 'socket' ? await startFakeSocketMode(api) : null;
    const dir = mkdtempSync(join(tmpdir(), 'sentinel-slack-restart-'));
    const yaml = slackYaml({ mode, apiUrl: api.url, resolveAfter: '1m' });
    try {
      let a = await startAppliance(yaml, [], 15_000, dir);
      await sshBurst(a, 'db01');
      await waitUntil(() => callsAbout(api, 'chat.postMessage', 'db01').length === 1, 'the post', api);
      const postedTs = [...api.messages.values()][0]!.ts;
      // Slack goes down; a second host fires and waits in the outbox; then the daemon restarts
      api.failAll('*', 'reset');
      await sshBurst(a, 'db02');
      await waitUntil(() => api.callsOf('chat.postMessage').some((c) => c.outcome === 'reset'), 'a failed attempt for db02', api);
      expect(await a.stop()).toBe(0);
      a = await startAppliance(yaml, [], 15_000, dir);
      try {
        await sleep(1500);
        expect(callsAbout(api, 'chat.postMessage', 'db02')).toHaveLength(0);
        api.recover();
        await waitUntil(() => callsAbout(api, 'chat.postMessage', 'db02').length === 1, 'db02 delivered after the restart', api, 10_000);
        await sshBurst(a, 'db01', 2);
        await waitUntil(() => callsAbout(api, 'chat.update', 'db01').length > 0, 'the update of db01', api);
        expect(callsAbout(api, 'chat.update', 'db01').every((c) => c.args.ts === postedTs)).toBe(true);
        expect(callsAbout(api, 'chat.postMessage', 'db01')).toHaveLength(1);
      } finally {
        await a.stop();
      }
    } finally {
      await socket?.close();
      await api.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 40_000);
});
