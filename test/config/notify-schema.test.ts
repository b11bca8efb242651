/** The `notify` section (console, Slack app, incoming webhook), through the real config loader. */
import { describe, expect, it } from 'vitest';
import { loadConfigText } from '../../src/config/load.js';
import { configProblems } from '../helpers/config-problems.js';

const BASE = 'listeners: [{ protocol: udp, port: 1 }]\n';
const SOCKET = { botToken: 'xoxb-1-abc', appToken: 'xapp-1-abc', channel: '#alerts' };
const HTTP = { mode: 'http', botToken: 'xoxb-1-abc', signingSecret: '8f742231b10e8888', channel: 'C0123ABCD' };

/** The notify section from a YAML/JSON value (JSON is valid YAML). */
const load = (notify: unknown, env: Record<string, string> = {}) => loadConfigText(`${BASE}notify: ${JSON.stringify(notify)}\n`, { env }).notify;
const slack = (over: Record<string, unknown>, base: Record<string, unknown> = SOCKET) => load({ slack: { ...base, ...over } });

describe('notify config', () => {
  it('defaults to console output only', () => {
    expect(loadConfigText(BASE).notify).toEqual({ console: {} });
  });

  it('a socket-mode Slack app with its defaults filled', () => {
    expect(load({ slack: SOCKET })).toEqual({
      slack: {
        mode: 'socket',
        ...SOCKET,
        address: '127.0.0.1',
        port: 3000,
        path: '/slack/events',
        timeout: 10_000,
        retries: 1,
        command: '/syslog',
        outbox: { maxEvents: 1000, maxBackoff: 60_000 },
      },
    });
  });

  it('an http-mode Slack app needs no app token; durations and the rest are read', () => {
    const config = load({
      console: {},
      slack: { ...HTTP, address: '::', port: 8443, path: '/hooks/slack', timeout: '30s', retries: 0, command: '/alerts', allowedUsers: ['U0123ABCD', 'W0123ABCD'], allowedChannels: ['C0123ABCD', 'G0123', 'D0123'], outbox: { maxEvents: 50, maxBackoff: '5m' } },
    });
    expect(config.console).toEqual({});
    expect(config.slack).toMatchObject({ mode: 'http', address: '::', port: 8443, path: '/hooks/slack', timeout: 30_000, retries: 0, command: '/alerts', outbox: { maxEvents: 50, maxBackoff: 300_000 } });
    expect(config.slack?.appToken).toBeUndefined();
  });

  it('socket mode requires the app token', () => {
    expect(configProblems(() => load({ slack: { botToken: 'xoxb-1', channel: '#alerts' } }))).toEqual([
      'notify.slack.appToken: is required in socket mode (an xapp- token with connections:write)',
    ]);
  });

  it('http mode requires the signing secret (of at least 8 characters)', () => {
    expect(configProblems(() => slack({ signingSecret: undefined }, HTTP))).toEqual(['notify.slack.signingSecret: is required in http mode (Basic Information → Signing Secret)']);
    expect(configProblems(() => slack({ signingSecret: 'short' }, HTTP)).join('\n')).toMatch(/^notify\.slack\.signingSecret: /);
  });

  it.each([
    ['a user token as the bot token', { botToken: 'xoxp-1-abc' }, /^notify\.slack\.botToken: must be a bot token \(xoxb-…\)$/],
    ['a bot token with a space', { botToken: 'xoxb-1 abc' }, /^notify\.slack\.botToken: must be a bot token/],
    ['a bare prefix', { botToken: 'xoxb-' }, /^notify\.slack\.botToken: must be a bot token/],
    ['the bot token as the app token', { appToken: 'xoxb-1-abc' }, /^notify\.slack\.appToken: must be an app-level token \(xapp-…\)$/],
  ])('token prefixes: %s is refused', (_what, over, pattern) => {
    const found = configProblems(() => slack(over));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(pattern);
  });

  it('both token problems are reported at once', () => {
    expect(configProblems(() => load({ slack: { botToken: 'xoxp-1', channel: '#alerts' } }))).toEqual([
      'notify.slack.botToken: must be a bot token (xoxb-…)',
      'notify.slack.appToken: is required in socket mode (an xapp- token with connections:write)',
    ]);
  });

  it.each(['#alerts', '#ops_alerts-2', 'C0123ABCD', 'G0123ABCD', `#${'a'.repeat(80)}`])('channel %j is accepted', (channel) => {
    expect(slack({ channel }).slack?.channel).toBe(channel);
  });

  it.each(['alerts', '#Alerts', '#', '#with space', 'c0123abcd', 'D0123ABCD', 'U0123ABCD', `#${'a'.repeat(81)}`])('channel %j is refused', (channel) => {
    expect(configProblems(() => slack({ channel }))).toEqual(['notify.slack.channel: must be "#channel-name" or a channel ID such as C0123ABCD']);
  });

  it.each(['https://slack.example.com/api/', 'http://127.0.0.1:8080/api/', 'http://localhost:8080/api/', 'http://[::1]:8080/api/'])('apiUrl %s is accepted', (apiUrl) => {
    expect(slack({ apiUrl }).slack?.apiUrl).toBe(apiUrl);
  });

  it.each(['http://slack.example.com/api/', 'http://10.0.0.1/api/', 'http://127.0.0.2/api/', 'ftp://127.0.0.1/api/', 'not a url'])('apiUrl %s is refused (plain http only to loopback)', (apiUrl) => {
    const found = configProblems(() => slack({ apiUrl }));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^notify\.slack\.apiUrl: /);
  });

  it.each([
    ['mode', { mode: 'websocket' }],
    ['address', { address: 'localhost' }],
    ['port', { port: 70000 }],
    ['path', { path: 'slack/events' }],
    ['timeout', { timeout: '50ms' }],
    ['timeout', { timeout: '3m' }],
    ['retries', { retries: 6 }],
    ['command', { command: 'syslog' }],
    ['command', { command: '/Syslog' }],
    ['allowedUsers', { allowedUsers: [] }],
    ['allowedUsers', { allowedUsers: ['alice'] }],
    ['allowedChannels', { allowedChannels: ['#alerts'] }],
    ['outbox', { outbox: { maxEvents: 0 } }],
    ['outbox', { outbox: { maxEvents: 100_001 } }],
    ['outbox', { outbox: { maxBackoff: '500ms' } }],
    ['outbox', { outbox: { size: 10 } }],
    ['(root)', { colour: 'red' }],
  ])('slack.%s: %j is refused', (field, over) => {
    const found = configProblems(() => slack(over));
    expect(found.length).toBeGreaterThanOrEqual(1);
    const prefix = field === '(root)' ? 'notify.slack: ' : `notify.slack.${field}`;
    expect(found[0]!.startsWith(prefix)).toBe(true);
  });

  it('secrets come in through ${VAR} substitution', () => {
    const text = `${BASE}notify:\n  slack:\n    botToken: \${SLACK_BOT_TOKEN}\n    appToken: \${SLACK_APP_TOKEN}\n    channel: "#alerts"\n`;
    const config = loadConfigText(text, { env: { SLACK_BOT_TOKEN: 'xoxb-from-env', SLACK_APP_TOKEN: 'xapp-from-env' } });
    expect(config.notify.slack).toMatchObject({ botToken: 'xoxb-from-env', appToken: 'xapp-from-env' });
    expect(configProblems(() => loadConfigText(text, { env: { SLACK_BOT_TOKEN: 'xoxb-from-env' } }))[0]).toBe('notify.slack.appToken: environment variable SLACK_APP_TOKEN is not set');
  });

  describe('webhook', () => {
    it('an https URL with defaults', () => {
      expect(load({ webhook: { url: 'https://hooks.slack.com/services/T0/B0/x' } })).toEqual({
        webhook: { url: 'https://hooks.slack.com/services/T0/B0/x', timeout: 10_000, outbox: { maxEvents: 1000, maxBackoff: 60_000 } },
      });
    });

    it('plain http only to loopback; outbox limits apply', () => {
      expect(load({ webhook: { url: 'http://127.0.0.1:9999/webhook/x', timeout: '2s', outbox: { maxBackoff: '1s' } } }).webhook).toMatchObject({ timeout: 2000, outbox: { maxBackoff: 1000 } });
      expect(configProblems(() => load({ webhook: { url: 'http://hooks.slack.com/services/x' } }))).toEqual(['notify.webhook.url: must be an https:// URL (plain http:// only for a loopback host)']);
      expect(configProblems(() => load({ webhook: { url: 'https://x.example', outbox: { maxBackoff: 999 } } }))[0]).toMatch(/^notify\.webhook\.outbox\.maxBackoff/);
      expect(configProblems(() => load({ webhook: {} }))[0]).toMatch(/^notify\.webhook\.url/);
    });

    it('a URL pasted without its scheme is a config problem with its path, not a crash', () => {
      expect(configProblems(() => load({ webhook: { url: 'hooks.slack.com/services/T0/B0/x' } }))).toEqual(['notify.webhook.url: Invalid URL']);
      expect(configProblems(() => slack({ apiUrl: 'slack.com/api/' }))).toEqual(['notify.slack.apiUrl: Invalid URL']);
    });
  });

  it('an unknown notifier is refused', () => {
    expect(configProblems(() => load({ email: {} }))[0]).toMatch(/^notify: Unrecognized key.*email/);
  });
});
