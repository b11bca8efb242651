/**
 * The Slack notifier is attached at start, so that Bolt is loaded only when notify.slack is configured. Checked
 * in a fresh process: an appliance without Slack never loads @slack/*; with Slack configured, start() loads it.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { NotifyError, type IncidentEvent, type Notifier } from '../../src/alert/types.js';
import { DeferredNotifier } from '../../src/notify/deferred-notifier.js';

const run = promisify(execFile);
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const REPO = join(import.meta.dirname, '..', '..');

/** Builds the app from `config` (YAML) in a new process and reports whether any @slack module was loaded. */
async function slackLoaded(yaml: string, start: boolean): Promise<boolean> {
  const script = `
    import { createRequire } from 'node:module';
    import { Registry } from 'prom-client';
    import { loadConfigText } from './src/config/load.ts';
    import { createApp } from './src/app.ts';
    import { createLogger } from './src/log.ts';
    const app = createApp(loadConfigText(${JSON.stringify(yaml)}), { log: createLogger('silent'), registry: new Registry(), processMetrics: false });
    if (${start}) { await app.start().catch(() => {}); await app.stop(); }
    const loaded = Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes('@slack'));
    process.stdout.write(String(loaded));
  `;
  const { stdout } = await run(process.execPath, ['--import', TSX, '--input-type=module', '-e', script], { cwd: REPO, timeout: 20_000 });
  return stdout.trim() === 'true';
}

const STATE = mkdtempSync(join(tmpdir(), 'sentinel-deferred-'));
afterAll(() => rmSync(STATE, { recursive: true, force: true }));
const BASE = `
listeners: [{ protocol: udp, address: 127.0.0.1, port: 0 }]
http: { address: 127.0.0.1, port: 0 }
stateDir: ${JSON.stringify(STATE)}
rules: []
`;

describe('DeferredNotifier', () => {
  const event = { event: 'fired' } as IncidentEvent;

  it('fails a notify() before a notifier is attached, with a non-retryable NotifyError', async () => {
    const slot = new DeferredNotifier('slack');
    await expect(slot.notify(event)).rejects.toBeInstanceOf(NotifyError);
  });

  it('forwards to the attached notifier, which must have the same name', async () => {
    const slot = new DeferredNotifier('slack');
    const seen: IncidentEvent[] = [];
    const target: Notifier = { name: 'slack', notify: async (e) => void seen.push(e) };
    expect(() => slot.attach({ ...target, name: 'webhook' })).toThrow(/webhook attached where slack was expected/);
    slot.attach(target);
    await slot.notify(event);
    expect(seen).toEqual([event]);
  });

  it('an appliance without notify.slack never loads Bolt; one with it does, at start', async () => {
    expect(await slackLoaded(`${BASE}notify: { console: {} }`, true)).toBe(false);
    const withSlack = `${BASE}notify: { slack: { mode: http, botToken: xoxb-x, signingSecret: "12345678", channel: "#a", apiUrl: "http://127.0.0.1:9/api/", address: 127.0.0.1, port: 0, retries: 0, timeout: 200ms } }`;
    expect(await slackLoaded(withSlack, false)).toBe(false);
    expect(await slackLoaded(withSlack, true)).toBe(true);
  }, 60_000);
});
