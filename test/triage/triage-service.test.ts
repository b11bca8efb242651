/**
 * TriageService against a fake OpenAI-compatible endpoint on loopback (real HTTP), with a fake clock for the
 * budget, the cache and the log throttle. The alert manager is stood in for by a recording target.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Incident, IncidentEvent, IncidentTriage } from '../../src/alert/types.js';
import type { TriageConfig } from '../../src/config/triage-schema.js';
import { createLogger } from '../../src/log.js';
import { TRIAGE_NOTIFIER, TriageService, type TriageOutcome } from '../../src/triage/triage-service.js';
import { closedPort } from '../helpers/closed-port.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { startFakeLlmApi, triageAnswer, type FakeLlmApi } from '../helpers/fake-llm-api.js';
import { waitFor } from '../helpers/wait-for.js';

const HOUR = 3_600_000;
const KEY = 'sk-test-triage-key-0123456789';

let fake: FakeLlmApi;
beforeAll(async () => {
  fake = await startFakeLlmApi();
});
afterAll(async () => {
  await fake?.close();
});
const services: TriageService[] = [];
afterEach(async () => {
  for (const s of services.splice(0)) await s.stop();
  fake.reset();
});

interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

function setup(over: Partial<TriageConfig> = {}, options: { attach?: boolean } = {}) {
  const clock = new FakeClock();
  const config: TriageConfig = {
    baseUrl: fake.baseUrl, model: 'llama3.2:3b', apiKeyEnv: 'TRIAGE_TEST_KEY', apiKey: KEY, timeoutMs: 2000, maxCallsPerHour: 20, maxConcurrent: 2,
    cacheSize: 100, cacheTtlMs: HOUR, redact: { ips: true, users: true }, maxSampleLines: 5, temperature: 0.2, maxTokens: 200, ...over,
  };
  const outcomes: TriageOutcome[] = [];
  const durations: number[] = [];
  const evictions: number[] = [];
  const attached: { id: string; triage: IncidentTriage }[] = [];
  const logText: string[] = [];
  const log = createLogger('trace', { write: (s: string) => void logText.push(s) });
  const service = new TriageService({
    config,
    target: { attachTriage: (id, triage) => (attached.push({ id, triage }), options.attach ?? true) },
    observer: { outcome: (o) => void outcomes.push(o), duration: (s) => void durations.push(s), cacheEviction: () => void evictions.push(clock.t) },
    log,
    now: clock.now,
  });
  services.push(service);
  const logs = (): LogLine[] => logText.map((l) => JSON.parse(l) as LogLine);
  /** Hands the service a `fired` event and waits until the call (if any) has settled. */
  const fire = async (inc: Incident): Promise<void> => {
    await service.notify(fired(inc));
    await service.idle();
  };
  return { clock, service, outcomes, durations, evictions, attached, log, logs, logText, fire };
}

const T = Date.UTC(2026, 0, 1, 12, 0, 0);
function incident(id: string, over: Partial<Incident> = {}): Incident {
  const host = over.key?.host ?? 'web01';
  return {
    id, fingerprint: `ssh_invalid_user\u0000${host}`, rule: 'ssh_invalid_user', ruleType: 'threshold', key: { host },
    state: 'open', count: 4, threshold: 4, windowMs: 60_000, resolveAfterMs: 300_000, firstSeen: T, lastSeen: T + 3000, resolvedAt: null,
    distinct: { user: ['ubuntu', 'oracle'], ip: ['203.0.113.5'] },
    samples: [
      `<38>Nov 21 10:00:12 ${host} sshd[101]: Invalid user ubuntu from 203.0.113.5 port 40001`,
      `<38>Nov 21 10:00:13 ${host} sshd[102]: Invalid user oracle from 203.0.113.5 port 40002`,
      `<38>Nov 21 10:00:15 ${host} sshd[105]: Failed password for root from 2001:db8::9 port 40004 ssh2`,
    ],
    ackedBy: null, ackedAt: null, channel: null, refs: {},
    ...over,
  };
}
const fired = (inc: Incident): IncidentEvent => ({ event: 'fired', incident: inc, at: inc.lastSeen });

describe('TriageService', () => {
  it('triages a fired incident: one call, the answer attached to the incident, counted ok with its duration', async () => {
    const { service, clock, outcomes, durations, attached, fire } = setup();
    expect(service.name).toBe(TRIAGE_NOTIFIER);
    fake.reply({ content: triageAnswer('Someone is guessing SSH user names on web01.', 'medium') });
    await fire(incident('inc-1'));
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]!.body).toMatchObject({ model: 'llama3.2:3b', temperature: 0.2, max_tokens: 200 });
    expect(fake.requests[0]!.body.messages.map((m: { role: string }) => m.role)).toEqual(['system', 'user']);
    expect(attached).toEqual([{ id: 'inc-1', triage: { summary: 'Someone is guessing SSH user names on web01.', severity: 'medium', model: 'llama3.2:3b', at: clock.t } }]);
    expect(outcomes).toEqual(['ok']);
    expect(durations).toHaveLength(1);
  });

  it('acts on fired only: updated, resolved, suppressed and triaged events make no call', async () => {
    const { service, outcomes } = setup();
    for (const event of ['updated', 'resolved', 'suppressed', 'triaged'] as const) await service.notify({ event, incident: incident('inc-1'), at: T });
    await service.idle();
    expect(fake.requests).toHaveLength(0);
    expect(outcomes).toEqual([]);
  });

  it('notify() returns before the endpoint answers: the answer arrives later', async () => {
    const { service, attached } = setup();
    fake.hold();
    await service.notify(fired(incident('inc-1')));
    await waitFor(() => fake.requests.length === 1, 'the request at the fake endpoint');
    expect(service.inFlight).toBe(1);
    expect(attached).toEqual([]);
    fake.release();
    await service.idle();
    expect(attached.map((a) => a.id)).toEqual(['inc-1']);
  });

  it('the endpoint never answering is counted as timeout; nothing is attached; the failure is logged', async () => {
    const { outcomes, durations, attached, logs, fire } = setup({ timeoutMs: 300 });
    fake.reply('hang');
    await fire(incident('inc-1'));
    expect(outcomes).toEqual(['timeout']);
    expect(durations).toHaveLength(1);
    expect(attached).toEqual([]);
    const warn = logs().filter((l) => l.msg.startsWith('LLM triage failed'));
    expect(warn).toHaveLength(1);
    expect(warn[0]).toMatchObject({ level: 40, outcome: 'timeout', failures: 1, incident: 'inc-1', rule: 'ssh_invalid_user' });
  });

  it('429, 500, a refused connection, a body that is not JSON and an answer without the fields are each counted; the log is throttled', async () => {
    const { clock, outcomes, attached, logs, fire } = setup();
    fake.reply({ status: 429, body: { error: 'rate limited' } });
    await fire(incident('a', { key: { host: 'a' } }));
    fake.reply({ status: 500, body: 'boom' });
    await fire(incident('b', { key: { host: 'b' } }));
    fake.reply({ status: 200, body: 'this is not json' });
    await fire(incident('c', { key: { host: 'c' } }));
    fake.reply({ content: 'I would say this is quite bad.' });
    await fire(incident('d', { key: { host: 'd' } }));
    fake.reply({ content: '{"verdict": "bad"}' });
    await fire(incident('e', { key: { host: 'e' } }));
    expect(outcomes).toEqual(['rate_limited', 'error', 'malformed', 'malformed', 'malformed']);
    expect(attached).toEqual([]);
    expect(logs().filter((l) => l.msg.startsWith('LLM triage failed'))).toHaveLength(1);
    clock.advance(60_000);
    const port = await closedPort();
    const { outcomes: refused, fire: fireRefused } = setup({ baseUrl: `http://127.0.0.1:${port}/v1` });
    await fireRefused(incident('f'));
    expect(refused).toEqual(['error']);
    fake.reply({ status: 503 });
    await fire(incident('g', { key: { host: 'g' } }));
    const warned = logs().filter((l) => l.msg.startsWith('LLM triage failed'));
    expect(warned.map((l) => [l.outcome, l.failures])).toEqual([
      ['rate_limited', 1],
      ['error', 5], // the next line, a minute later, says how many failed since the last one
    ]);
  });

  it('the hourly budget is enforced: over it, skipped_budget and no call, until an hour has passed', async () => {
    const { clock, outcomes, fire, logs } = setup({ maxCallsPerHour: 2 });
    await fire(incident('a', { key: { host: 'a' } }));
    clock.advance(60_000);
    await fire(incident('b', { key: { host: 'b' } }));
    await fire(incident('c', { key: { host: 'c' } }));
    await fire(incident('d', { key: { host: 'd' } }));
    expect(fake.requests).toHaveLength(2);
    expect(outcomes).toEqual(['ok', 'ok', 'skipped_budget', 'skipped_budget']);
    expect(logs().filter((l) => l.msg.startsWith('LLM triage skipped'))).toHaveLength(1);
    clock.advance(HOUR - 60_000);
    await fire(incident('e', { key: { host: 'e' } }));
    expect(fake.requests).toHaveLength(3);
    expect(outcomes.at(-1)).toBe('ok');
  });

  it('beyond maxConcurrent calls in flight, a fired incident is skipped_busy (no call, no budget used)', async () => {
    const { service, outcomes, attached } = setup({ maxConcurrent: 1, maxCallsPerHour: 1 });
    fake.hold();
    await service.notify(fired(incident('a', { key: { host: 'a' } })));
    await service.notify(fired(incident('b', { key: { host: 'b' } })));
    await waitFor(() => fake.requests.length === 1, 'the first request');
    expect(outcomes).toEqual(['skipped_busy']);
    fake.release();
    await service.idle();
    expect(outcomes).toEqual(['skipped_busy', 'ok']);
    expect(attached.map((a) => a.id)).toEqual(['a']);
    expect(fake.requests).toHaveLength(1);
  });

  it('a new incident on the same fingerprint within cacheTtl reuses the answer without a call (cached)', async () => {
    const { clock, outcomes, attached, fire } = setup({ cacheTtlMs: 30 * 60_000 });
    await fire(incident('inc-1'));
    clock.advance(10 * 60_000);
    await fire(incident('inc-2'));
    expect(fake.requests).toHaveLength(1);
    expect(outcomes).toEqual(['ok', 'cached']);
    expect(attached.map((a) => a.id)).toEqual(['inc-1', 'inc-2']);
    expect(attached[1]!.triage).toEqual(attached[0]!.triage);
    await fire(incident('inc-3', { key: { host: 'db02' } })); // another fingerprint
    clock.advance(20 * 60_000);
    await fire(incident('inc-4')); // the TTL has passed
    expect(fake.requests).toHaveLength(3);
    expect(outcomes).toEqual(['ok', 'cached', 'ok', 'ok']);
  });

  it('an answer pushed out of a full cache is reported to the observer (cacheEviction) and is not reused', async () => {
    const { clock, outcomes, evictions, fire } = setup({ cacheSize: 1 });
    await fire(incident('inc-1', { key: { host: 'a' } }));
    clock.advance(1000);
    await fire(incident('inc-2', { key: { host: 'b' } })); // the cache holds one answer: a's goes
    expect(evictions).toEqual([clock.t]);
    await fire(incident('inc-3', { key: { host: 'a' } }));
    expect(outcomes).toEqual(['ok', 'ok', 'ok']);
    expect(fake.requests).toHaveLength(3);
    expect(evictions).toHaveLength(2); // and a's new answer pushed out b's
  });

  it('the request carries no IP address or user name from the samples; the answer gets the real values back', async () => {
    const { attached, fire } = setup();
    fake.reply({ content: triageAnswer('Guessing <user-1> and <user-2> from <ip-1>.', 'high') });
    await fire(incident('inc-1', { key: { host: 'web01' } }));
    const sent = fake.requests[0]!.raw;
    for (const secret of ['203.0.113.5', '2001:db8::9', 'ubuntu', 'oracle', 'root']) expect(sent).not.toContain(secret);
    expect(sent).toContain('Invalid user <user-1> from <ip-1> port 40001');
    expect(sent).toContain('web01'); // hosts are sent
    expect(attached[0]!.triage.summary).toBe('Guessing ubuntu and oracle from 203.0.113.5.');
  });

  it('the API key goes in Authorization: Bearer and never into the logs, whatever happens', async () => {
    const { fire, logText, clock } = setup({ timeoutMs: 300 });
    await fire(incident('a', { key: { host: 'a' } }));
    expect(fake.requests[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
    for (const reply of [{ status: 401, body: `invalid key ${KEY}` }, { status: 500, body: { error: { message: `key ${KEY} refused` } } }, 'hang' as const]) {
      clock.advance(60_000); // past the log throttle: every failure is logged
      fake.reply(reply);
      await fire(incident(`b${clock.t}`, { key: { host: `b${clock.t}` } }));
    }
    expect(logText.join('\n')).toContain('LLM triage failed');
    expect(logText.join('\n')).toContain('TRIAGE_TEST_KEY'); // the variable's name is fine to log
    expect(logText.join('\n')).not.toContain(KEY);
  });

  it('log.ts redacts an apiKey field, should the compiled section ever be logged', () => {
    const { log, logText } = setup();
    log.info({ triage: { apiKey: KEY, model: 'm' } }, 'config');
    expect(logText.at(-1)).toContain('"apiKey":"[redacted]"');
    expect(logText.join('\n')).not.toContain(KEY);
  });

  it('stop() aborts the calls in flight (not counted), attaches nothing, and later events start nothing', async () => {
    const { service, outcomes, attached, durations } = setup();
    fake.reply('hang');
    await service.notify(fired(incident('a', { key: { host: 'a' } })));
    await waitFor(() => fake.requests.length === 1, 'the request');
    await service.stop();
    expect(service.inFlight).toBe(0);
    await service.notify(fired(incident('b', { key: { host: 'b' } })));
    await service.idle();
    expect(fake.requests).toHaveLength(1);
    expect(outcomes).toEqual([]);
    expect(durations).toEqual([]);
    expect(attached).toEqual([]);
  });

  it('a target that throws (a bug) is logged at error level and counted once, as error, never an unhandled rejection', async () => {
    const clock = new FakeClock();
    const outcomes: TriageOutcome[] = [];
    const logText: string[] = [];
    const service = new TriageService({
      config: { baseUrl: fake.baseUrl, model: 'm', apiKeyEnv: null, apiKey: null, timeoutMs: 2000, maxCallsPerHour: 5, maxConcurrent: 1, cacheSize: 0, cacheTtlMs: HOUR, redact: { ips: true, users: true }, maxSampleLines: 5, temperature: 0, maxTokens: 50 },
      target: {
        attachTriage: () => {
          throw new Error('boom');
        },
      },
      observer: { outcome: (o) => void outcomes.push(o), duration: () => {}, cacheEviction: () => {} },
      log: createLogger('info', { write: (s: string) => void logText.push(s) }),
      now: clock.now,
    });
    services.push(service);
    await service.notify(fired(incident('inc-1')));
    await service.idle();
    expect(outcomes).toEqual(['error']);
    expect(logText.some((l) => l.includes('LLM triage threw unexpectedly') && l.includes('"level":50'))).toBe(true);
  });

  it('an answer for an incident that resolved meanwhile is counted ok and not attached', async () => {
    const { outcomes, logs, fire } = setup({}, { attach: false });
    await fire(incident('inc-1'));
    expect(outcomes).toEqual(['ok']);
    expect(logs().some((l) => l.msg.includes('resolved before its triage arrived'))).toBe(true);
  });

  it('warns when a non-loopback endpoint is plain http', () => {
    const { logs } = setup({ baseUrl: 'http://192.0.2.50:11434/v1' });
    expect(logs().find((l) => l.level === 40)?.msg).toContain('plain http to another host');
    const { logs: local } = setup();
    expect(local().some((l) => l.level === 40)).toBe(false);
  });
});
