/**
 * LLM triage through the real daemon: sshd bursts over UDP in; incident events on stdout and Slack messages at
 * the fake Slack Web API out; the triage calls go to a fake OpenAI-compatible endpoint on loopback. The
 * endpoint holds its answer (or never answers) while the test checks that the alert is already out: the
 * `fired` line and the chat.postMessage do not wait for the model, so alerting latency is the same with
 * triage on as with it off. The answer then arrives as a `triaged` line and a chat.update of the same message.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricValue, startAppliance, type RunningAppliance } from '../helpers/appliance-process.js';
import { startFakeLlmApi, triageAnswer, type FakeLlmApi } from '../helpers/fake-llm-api.js';
import { startFakeSlackApi, type FakeSlackApi } from '../helpers/fake-slack-api.js';
import { callsAbout, sendUdp, slackYaml, sshLine, waitUntil } from '../helpers/slack-appliance.js';

const KEY_ENV = 'SENTINEL_E2E_TRIAGE_KEY';
const KEY = 'sk-e2e-triage-secret-4242424242';
/** Long enough that a held answer is released well before it; the hanging test waits this long once. */
const TRIAGE_TIMEOUT = '4s';

interface EventLine {
  event: string;
  incident: string;
  key: Record<string, string>;
  triage?: { summary: string; severity: string; model: string; at: string };
}

let slack: FakeSlackApi;
let llm: FakeLlmApi;
let app: RunningAppliance;

beforeAll(async () => {
  slack = await startFakeSlackApi();
  llm = await startFakeLlmApi();
  process.env[KEY_ENV] = KEY; // the daemon inherits this process's environment
  const yaml = `${slackYaml({ mode: 'http', apiUrl: slack.url, resolveAfter: '30s' })}
triage: { baseUrl: "${llm.baseUrl}", model: e2e-model, apiKeyEnv: ${KEY_ENV}, timeout: ${TRIAGE_TIMEOUT}, maxCallsPerHour: 10 }
`;
  app = await startAppliance(yaml);
}, 30_000);

afterAll(async () => {
  await app?.stop();
  await llm?.close();
  await slack?.close();
  delete process.env[KEY_ENV];
});

/** Polls /metrics until `check` holds (bounded), and returns that exposition. */
async function metricsWhen(check: (exposition: string) => boolean, what: string, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const exposition = await app.metrics();
    if (check(exposition)) return exposition;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const events = (): EventLine[] => app.stdout.map((l) => JSON.parse(l) as EventLine);
const eventsFor = (host: string, type: string): EventLine[] => events().filter((e) => e.key.host === host && e.event === type);

/** Four "Invalid user" lines from `host` (attacker 198.51.100.23, users intruder0..3): fires ssh_invalid_user. */
function burst(host: string): Promise<void> {
  return sendUdp(app, Array.from({ length: 4 }, (_, i) => sshLine(host, `intruder${i}`, '198.51.100.23')));
}

describe('LLM triage against the real daemon', () => {
  it('the alert goes out while the model has not answered; the triage follows as a triaged line and an edit of the same Slack message', async () => {
    llm.reply({ content: triageAnswer('Password guessing against web01 from <ip-1>, trying <user-1> and others.', 'high') });
    llm.hold();
    await burst('web01');
    await waitUntil(() => eventsFor('web01', 'fired').length === 1, 'the fired line on stdout', slack);
    await waitUntil(() => callsAbout(slack, 'chat.postMessage', 'web01').length === 1, 'the chat.postMessage', slack);
    await waitUntil(() => llm.requests.length === 1, 'the triage request at the fake LLM', slack);
    // The alert is out, and the model has not answered yet.
    expect(llm.requests[0]!.answeredAt).toBeNull();
    expect(eventsFor('web01', 'fired')[0]!.triage).toBeUndefined();
    expect(eventsFor('web01', 'triaged')).toEqual([]);
    expect(JSON.stringify(callsAbout(slack, 'chat.postMessage', 'web01')[0]!.args.blocks)).not.toContain('Triage:');

    llm.release();
    await waitUntil(() => eventsFor('web01', 'triaged').length === 1, 'the triaged line on stdout', slack);
    const triaged = eventsFor('web01', 'triaged')[0]!;
    expect(triaged.incident).toBe(eventsFor('web01', 'fired')[0]!.incident);
    // The placeholders in the answer are given their real values back (which user is <user-1> depends on the prompt's order).
    expect(triaged.triage).toMatchObject({ severity: 'high', model: 'e2e-model' });
    expect(triaged.triage!.summary).toMatch(/^Password guessing against web01 from 198\.51\.100\.23, trying intruder[0-3] and others\.$/);
    const isTriageEdit = (c: { args: { blocks?: unknown } }) => JSON.stringify(c.args.blocks).includes('Triage: Password guessing against web01');
    await waitUntil(() => callsAbout(slack, 'chat.update', 'web01').some(isTriageEdit), 'the chat.update with the triage', slack);
    const post = callsAbout(slack, 'chat.postMessage', 'web01')[0]!;
    const edit = callsAbout(slack, 'chat.update', 'web01').find(isTriageEdit)!;
    const message = [...slack.messages.values()].find((m) => m.text === post.args.text)!;
    expect(edit.args.ts).toBe(message.ts);
    expect(JSON.stringify(edit.args.blocks)).toContain('(severity guess: high)');
    expect(callsAbout(slack, 'chat.postMessage', 'web01')).toHaveLength(1);

    // What left the box: the key as a Bearer token; no address or user name from the lines; never the key in the logs.
    const request = llm.requests[0]!;
    expect(request.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(request.body.model).toBe('e2e-model');
    for (const secret of ['198.51.100.23', 'intruder0', 'intruder3', '127.0.0.1']) expect(request.raw).not.toContain(secret);
    expect(request.raw).toContain('web01');
    expect(JSON.stringify(app.logs)).not.toContain(KEY);
    expect(app.stdout.join('\n')).not.toContain(KEY);
    const metrics = await app.metrics();
    expect(metricValue(metrics, 'syslog_triage_requests_total{outcome="ok"}')).toBe(1);
    expect(metricValue(metrics, 'syslog_triage_duration_seconds_count')).toBe(1);
  });

  it('a model that never answers: the alert is delivered the same way, the triage is counted as a timeout and nothing else happens', async () => {
    llm.reply('hang');
    const before = llm.requests.length;
    await burst('web02');
    await waitUntil(() => eventsFor('web02', 'fired').length === 1, 'the fired line on stdout', slack);
    await waitUntil(() => callsAbout(slack, 'chat.postMessage', 'web02').length === 1, 'the chat.postMessage', slack);
    await waitUntil(() => llm.requests.length === before + 1, 'the triage request at the fake LLM', slack);
    expect(llm.requests.at(-1)!.answeredAt).toBeNull();
    expect(eventsFor('web02', 'fired')[0]!.triage).toBeUndefined();

    const metrics = await metricsWhen((m) => metricValue(m, 'syslog_triage_requests_total{outcome="timeout"}') === 1, 'a triage counted as timeout');
    expect(metricValue(metrics, 'syslog_triage_requests_total{outcome="ok"}')).toBe(1);
    expect(metricValue(metrics, 'syslog_triage_requests_total{outcome="error"}')).toBe(0);
    expect(eventsFor('web02', 'triaged')).toEqual([]);
    expect(callsAbout(slack, 'chat.update', 'web02').some((c) => JSON.stringify(c.args.blocks).includes('Triage:'))).toBe(false);
    expect(app.logs.find((l) => l.msg.startsWith('LLM triage failed'))).toMatchObject({ outcome: 'timeout', rule: 'ssh_invalid_user' });
    expect(app.child.exitCode).toBeNull();
  });

  it('SIGTERM with a triage call in flight: the call is aborted and the daemon exits cleanly', async () => {
    llm.reply('hang');
    const before = llm.requests.length;
    await burst('web03');
    await waitUntil(() => llm.requests.length === before + 1, 'the triage request at the fake LLM', slack);
    expect(await app.stop()).toBe(0);
    expect(app.logs.find((l) => l.msg === 'triage calls in flight were aborted at stop')).toMatchObject({ aborted: 1 });
    expect(eventsFor('web03', 'fired')).toHaveLength(1);
  });
});
