/**
 * The HTTP API through the real daemon, with real HTTP requests: the token, text and NDJSON ingest (counted in
 * /metrics, firing on stdout), all-or-nothing refusals (bad JSON, an oversized body), detect against the
 * `replay` command with the live state untouched, an unknown rule, the endpoints off by default, and the README's
 * curl commands run as written (the README text lives with the lead; the commands and files are mirrored here).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, metricValue, runCli, startAppliance, type RunningAppliance } from '../helpers/appliance-process.js';

const run = promisify(execFile);
const hasCurl = await run('sh', ['-c', 'command -v curl']).then(() => true, () => false);
const hasPromtool = await run('promtool', ['--version']).then(() => true, () => false);

const TOKEN = randomBytes(32).toString('hex');
// The daemon (and the replay CLI) inherit this process's environment: the config reads the token from it.
process.env.SYSLOG_API_TOKEN = TOKEN;

/** The README's `http` block (port 0 instead of 9514) and the rules of config/default.yaml. */
const CONFIG = `
listeners:
  - { name: udp-test, protocol: udp, address: 127.0.0.1, port: 0 }
http:
  address: 127.0.0.1
  port: 0
  api:
    ingest: true                    # POST /api/v1/logs
    detect: true                    # POST /api/v1/detect
    token: "\${SYSLOG_API_TOKEN}"    # from the environment: 16+ printable ASCII characters, no spaces
stateDir: ./state
rules:
  - name: ssh_invalid_user
    preset: sshd-invalid-user
  - name: keywords
    type: keyword
    keywords: [segfault, "Out of memory", "Kernel panic", "%SYS-5-CONFIG_I", "login failure"]
    groupBy: [host]
    resolveAfter: 10m
`;

interface Event {
  event: string;
  rule: string;
  incident: string;
  key: Record<string, string>;
  count: number;
}

let app: RunningAppliance;
const dirs: string[] = [];
beforeAll(async () => {
  app = await startAppliance(CONFIG);
}, 30_000);
afterAll(async () => {
  await app?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const TEXT = { authorization: `Bearer ${TOKEN}`, 'content-type': 'text/plain' };
const NDJSON = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/x-ndjson' };

function post(path: string, body: string | Buffer, headers: Record<string, string> = TEXT): Promise<Response> {
  return fetch(`${app.httpBase}${path}`, { method: 'POST', headers, body });
}

const events = (): Event[] => app.stdout.map((l) => JSON.parse(l) as Event);
const sshLine = (host: string, user: string) => `<38>1 ${new Date().toISOString()} ${host} sshd 4242 - - Invalid user ${user} from 203.0.113.7 port 50022`;
const counter = async (series: string) => metricValue(await app.metrics(), series) ?? 0;

/** Every series that lines fed to the pipeline (or to the live rules and alert manager) would move. */
async function liveCounters(): Promise<string[]> {
  const families = ['syslog_messages_', 'syslog_bytes_', 'syslog_rule_', 'syslog_incident', 'syslog_notifications_total', 'syslog_mutes_active', 'syslog_pipeline_latency_seconds_count', 'syslog_api_entries_total{endpoint="logs"'];
  return (await app.metrics()).split('\n').filter((l) => families.some((f) => l.startsWith(f)));
}

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'sentinel-api-'));
  dirs.push(d);
  return d;
}

/** Incident ids are random: replace each by its order of appearance. */
function normalizeIds(lines: readonly string[]): string[] {
  const ids = new Map<string, number>();
  return lines.map((l) => l.replace(/"incident":"([0-9a-f-]{36})"/g, (_m, id: string) => `"incident":"#${ids.get(id) ?? ids.set(id, ids.size).size - 1}"`));
}

describe('HTTP API through the daemon', () => {
  it('is off by default: both endpoints 404, no API metrics', async () => {
    const plain = await startAppliance(CONFIG.replace(/\n {2}api:\n(?: {4}.*\n)+/, '\n'));
    try {
      for (const path of ['/api/v1/logs', '/api/v1/detect']) {
        const res = await fetch(`${plain.httpBase}${path}`, { method: 'POST', headers: TEXT, body: sshLine('off', 'x') });
        expect(res.status, path).toBe(404);
      }
      const metrics = await plain.metrics();
      expect(metrics).not.toContain('syslog_api_');
      expect(metricValue(metrics, 'syslog_messages_received_total{transport="http"}')).toBe(0);
    } finally {
      await plain.stop();
    }
  });

  it('401 without a token and with a wrong one; nothing is ingested', async () => {
    const before = await liveCounters();
    const none = await post('/api/v1/logs', sshLine('api-auth', 'a'), { 'content-type': 'text/plain' });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer /);
    // The token with its last character changed: same length, one byte off.
    const wrongToken = `${TOKEN.slice(0, -1)}${TOKEN.endsWith('0') ? '1' : '0'}`;
    const wrong = await post('/api/v1/logs', sshLine('api-auth', 'a'), { ...TEXT, authorization: `Bearer ${wrongToken}` });
    expect(wrong.status).toBe(401);
    expect((await post('/api/v1/detect', sshLine('api-auth', 'a'), { ...TEXT, authorization: 'Bearer not-the-token-at-all' })).status).toBe(401);
    expect(await liveCounters()).toEqual(before);
    expect(await counter('syslog_api_requests_total{endpoint="logs",status="401"}')).toBe(2);
    expect(app.logs.map((l) => JSON.stringify(l)).join('\n')).not.toContain(TOKEN);
  });

  it('text lines: 202 with counts, counted in /metrics, and an sshd burst fires on stdout', async () => {
    const received = await counter('syslog_messages_received_total{transport="http"}');
    const unknown = await counter('syslog_messages_parsed_total{format="unknown"}');
    const body = `${['admin', 'oracle', 'test', 'pi', 'ubuntu'].map((u) => sshLine('api-text', u)).join('\n')}\r\n\nno syslog header here\n`;
    const res = await post('/api/v1/logs', body);
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: 6, rejected: 0, errors: [] });
    expect(await counter('syslog_messages_received_total{transport="http"}')).toBe(received + 6);
    expect(await counter('syslog_messages_parsed_total{format="unknown"}')).toBe(unknown + 1);
    expect(await counter('syslog_api_requests_total{endpoint="logs",status="202"}')).toBeGreaterThanOrEqual(1);
    await eventually(() => events().some((e) => e.event === 'fired' && e.key.host === 'api-text'), 5000, 'fired for api-text');
    expect(events().find((e) => e.event === 'fired' && e.key.host === 'api-text')).toMatchObject({ rule: 'ssh_invalid_user', count: 4, threshold: 4 });
  });

  it('NDJSON entries: 202 with accepted, rejected and the errors; the entries fire like syslog lines', async () => {
    const received = await counter('syslog_messages_received_total{transport="http"}');
    const entry = (user: string) => JSON.stringify({ timestamp: Date.now(), host: 'api-json', appname: 'sshd', message: `Invalid user ${user} from 198.51.100.4 port 22`, severity: 'info', facility: 'auth' });
    const body = [entry('a'), entry('b'), JSON.stringify({ timestamp: 'yesterday', host: 'api-json', appname: 'sshd', message: 'x' }), entry('c'), entry('d')].join('\n');
    const res = await post('/api/v1/logs', body, NDJSON);
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: 4, rejected: 1, errors: [{ line: 3, reason: expect.stringMatching(/^timestamp: is not an RFC 3339 date-time/) }] });
    expect(await counter('syslog_messages_received_total{transport="http"}')).toBe(received + 4);
    expect(await counter('syslog_api_entries_total{endpoint="logs",outcome="rejected"}')).toBeGreaterThanOrEqual(1);
    await eventually(() => events().some((e) => e.event === 'fired' && e.key.host === 'api-json'), 5000, 'fired for api-json');
  });

  it('bad JSON on line 3: 400 naming the line, and nothing is ingested', async () => {
    const before = await liveCounters();
    const entry = (user: string) => JSON.stringify({ timestamp: new Date().toISOString(), host: 'api-bad', appname: 'sshd', message: `Invalid user ${user} from 198.51.100.5 port 22` });
    const res = await post('/api/v1/logs', [entry('a'), entry('b'), '{"timestamp": "2024-03-01T12:00:00Z", "host": ', entry('c'), entry('d')].join('\n'), NDJSON);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/^line 3: not valid JSON .*; nothing was used$/);
    expect(await liveCounters()).toEqual(before);
    expect(await counter('syslog_api_requests_total{endpoint="logs",status="400"}')).toBe(1);
  });

  it('a body over maxBodyBytes: 413, and nothing is ingested (declared length or chunked)', async () => {
    const before = await liveCounters();
    const lines: string[] = [];
    for (let size = 0, i = 0; size <= 1024 * 1024; i++) {
      const l = sshLine('api-big', `u${i}`);
      lines.push(l);
      size += l.length + 1;
    }
    const body = `${lines.join('\n')}\n`;
    const declared = await post('/api/v1/logs', body);
    expect(declared.status).toBe(413);
    expect(((await declared.json()) as { error: string }).error).toMatch(/limit is 1048576 bytes \(http\.api\.maxBodyBytes\); nothing was used/);
    const chunks = [Buffer.from(body.slice(0, 700_000)), Buffer.from(body.slice(700_000))];
    const chunked = await fetch(`${app.httpBase}/api/v1/logs`, {
      method: 'POST',
      headers: TEXT,
      body: new ReadableStream({ start: (c) => { for (const chunk of chunks) c.enqueue(chunk); c.close(); } }),
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
    expect(await liveCounters()).toEqual(before);
    expect(events().filter((e) => e.key.host === 'api-big')).toEqual([]);
  });

  it('detect: the same events as the replay command, and the live daemon is untouched', async () => {
    const lines = [
      ...['a', 'b', 'c', 'd', 'e'].map((u, i) => `<38>1 2024-03-01T12:00:0${i}Z det1 sshd 1 - - Invalid user ${u} from 192.0.2.1 port 22`),
      '<11>1 2024-03-01T12:00:06Z det2 app 7 - - worker segfault at 0000',
      ...['a', 'b', 'c'].map((u, i) => `<38>1 2024-03-01T12:01:0${i}Z det3 sshd 1 - - Invalid user ${u} from 192.0.2.3 port 22`),
      '<38>1 2024-03-01T12:30:00Z det1 sshd 1 - - Invalid user f from 192.0.2.1 port 22',
    ];
    const body = `${lines.join('\n')}\n`;
    const stdoutBefore = app.stdout.length;
    const before = await liveCounters();
    const res = await post('/api/v1/detect', body);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-ndjson');
    const detected = (await res.text()).trim().split('\n');
    // What the daemon's own notifiers and counters saw: nothing.
    expect(await liveCounters()).toEqual(before);
    expect(app.stdout.length).toBe(stdoutBefore);

    const dir = tempDir();
    writeFileSync(join(dir, 'lines.log'), body);
    const replay = await runCli(['replay', '--config', join(app.dir, 'config.yaml'), '--sender', '127.0.0.1', join(dir, 'lines.log')]);
    expect(replay.code, replay.stderr).toBe(0);
    const replayed = replay.stdout.trim().split('\n');
    expect(normalizeIds(detected)).toEqual(normalizeIds(replayed));
    // det1 fires (4 in 60 s), det2 fires (keyword), det3 stays below the threshold; the 12:30 line resolves both.
    expect(detected.map((l) => JSON.parse(l) as Event).map((e) => `${e.event} ${e.rule} ${e.key.host}`).sort()).toEqual([
      'fired keywords det2',
      'fired ssh_invalid_user det1',
      'resolved keywords det2',
      'resolved ssh_invalid_user det1',
    ]);

    // A subset of the rules: exactly that rule's share of the same answer.
    const subset = await post('/api/v1/detect?rules=keywords', body);
    expect(subset.status).toBe(200);
    expect(normalizeIds((await subset.text()).trim().split('\n'))).toEqual(normalizeIds(replayed.filter((l) => (JSON.parse(l) as Event).rule === 'keywords')));

    // A live line after the detect runs fires here; nothing from the detect hosts came before it, in the
    // daemon's events or in its state file.
    expect((await post('/api/v1/logs', '<11>Mar  1 12:00:06 api-marker app[7]: worker segfault at 0000\n')).status).toBe(202);
    await eventually(() => events().some((e) => e.key.host === 'api-marker'), 5000, 'marker incident');
    expect(events().filter((e) => e.key.host?.startsWith('det'))).toEqual([]);
    await eventually(() => readFileSync(join(app.dir, 'state', 'incidents.json'), 'utf8').includes('api-marker'), 5000, 'state file with the marker');
    expect(readFileSync(join(app.dir, 'state', 'incidents.json'), 'utf8')).not.toMatch(/"det[123]"/);
  });

  it('detect: an unknown rule is 400 and names the configured ones', async () => {
    const res = await post('/api/v1/detect?rules=ssh_invalid_user,nope', sshLine('api-det', 'x'));
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'unknown rule: nope; configured rules: ssh_invalid_user, keywords' });
  });

  it.skipIf(!hasPromtool)('the exposition with the API metrics passes promtool check metrics', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'metrics.txt'), await app.metrics());
    const { stdout, stderr } = await run('sh', ['-c', 'promtool check metrics < metrics.txt'], { cwd: dir });
    expect(stdout + stderr).toBe('');
  });
});

/** The README files and commands, verbatim except for the port. */
const AUTH_LOG = `2024-03-01T12:00:01+00:00 web01 sshd[4242]: Invalid user admin from 203.0.113.9 port 4000
2024-03-01T12:00:03+00:00 web01 sshd[4243]: Invalid user oracle from 203.0.113.9 port 4002
2024-03-01T12:00:04+00:00 web01 sshd[4244]: Invalid user test from 203.0.113.9 port 4004
2024-03-01T12:00:06+00:00 web01 sshd[4245]: Invalid user pi from 203.0.113.9 port 4006
2024-03-01T12:00:09+00:00 web01 sshd[4246]: Invalid user ubuntu from 203.0.113.9 port 4008
`;
const ENTRIES = `{"timestamp":"2024-03-01T12:00:00Z","host":"db01","appname":"kernel","message":"Out of memory: Killed process 4242 (java)","severity":"err","facility":"kern"}
{"timestamp":1709294405000,"host":"db01","appname":"app","message":"worker started"}
{"timestamp":"2024-03-01T12:00:07Z","host":"db 01","appname":"app","message":"no spaces in host names"}
`;
const README_TEXT = `curl -sS -H "Authorization: Bearer $SYSLOG_API_TOKEN" -H 'Content-Type: text/plain' \\
  --data-binary @auth.log http://127.0.0.1:9514/api/v1/logs`;
const README_NDJSON = `curl -sS -H "Authorization: Bearer $SYSLOG_API_TOKEN" -H 'Content-Type: application/x-ndjson' \\
  --data-binary @entries.ndjson http://127.0.0.1:9514/api/v1/logs`;
const README_DETECT = `curl -sS -H "Authorization: Bearer $SYSLOG_API_TOKEN" -H 'Content-Type: text/plain' \\
  --data-binary @auth.log 'http://127.0.0.1:9514/api/v1/detect?rules=ssh_invalid_user'`;
const README_DETECT_OUTPUT = `{"event":"fired","at":"2024-03-01T12:00:06.000Z","rule":"ssh_invalid_user","ruleType":"threshold","incident":"a745cdfc-11f3-4dfe-83c5-d5b9768dc3af","key":{"host":"web01"},"count":4,"threshold":4,"windowSeconds":60,"firstSeen":"2024-03-01T12:00:01.000Z","lastSeen":"2024-03-01T12:00:06.000Z","distinct":{"user":["pi"],"ip":["203.0.113.9"],"sourceIp":["127.0.0.1"]},"samples":["2024-03-01T12:00:06+00:00 web01 sshd[4245]: Invalid user pi from 203.0.113.9 port 4006"]}
{"event":"resolved","at":"2024-03-01T12:05:09.000Z","rule":"ssh_invalid_user","ruleType":"threshold","incident":"a745cdfc-11f3-4dfe-83c5-d5b9768dc3af","key":{"host":"web01"},"count":5,"threshold":4,"windowSeconds":60,"firstSeen":"2024-03-01T12:00:01.000Z","lastSeen":"2024-03-01T12:00:09.000Z","distinct":{"user":["pi","ubuntu"],"ip":["203.0.113.9"],"sourceIp":["127.0.0.1"]},"samples":["2024-03-01T12:00:06+00:00 web01 sshd[4245]: Invalid user pi from 203.0.113.9 port 4006","2024-03-01T12:00:09+00:00 web01 sshd[4246]: Invalid user ubuntu from 203.0.113.9 port 4008"],"resolvedAt":"2024-03-01T12:05:09.000Z"}`;

describe.skipIf(!hasCurl)('the README curl commands, as written', () => {
  async function curl(command: string): Promise<string> {
    const dir = tempDir();
    writeFileSync(join(dir, 'auth.log'), AUTH_LOG);
    writeFileSync(join(dir, 'entries.ndjson'), ENTRIES);
    const port = new URL(app.httpBase).port;
    expect(command).toContain('127.0.0.1:9514');
    const { stdout } = await run('sh', ['-c', command.replace('127.0.0.1:9514', `127.0.0.1:${port}`)], { cwd: dir, env: { ...process.env, SYSLOG_API_TOKEN: TOKEN } });
    return stdout;
  }

  it('text ingest: the answer shown, and web01 fires on stdout', async () => {
    expect(await curl(README_TEXT)).toBe('{"accepted":5,"rejected":0,"errors":[]}\n');
    await eventually(() => events().some((e) => e.event === 'fired' && e.rule === 'ssh_invalid_user' && e.key.host === 'web01'), 5000, 'web01 fired');
  });

  it('NDJSON ingest: the answer shown, and db01 fires the keywords rule', async () => {
    expect(await curl(README_NDJSON)).toBe('{"accepted":2,"rejected":1,"errors":[{"line":3,"reason":"host: must be 1-255 printable ASCII characters without spaces"}]}\n');
    await eventually(() => events().some((e) => e.event === 'fired' && e.rule === 'keywords' && e.key.host === 'db01'), 5000, 'db01 fired');
  });

  it('detect: the events shown (incident ids aside)', async () => {
    expect(normalizeIds((await curl(README_DETECT)).trim().split('\n'))).toEqual(normalizeIds(README_DETECT_OUTPUT.split('\n')));
  });
});
