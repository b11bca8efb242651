/**
 * The real daemon wired to the fake Slack API: config, syslog bursts over UDP, and readers for what the
 * daemon posted (the incident message per host, its buttons).
 */
import { createSocket } from 'node:dgram';
import type { FakeCall, FakeSlackApi } from './fake-slack-api.js';
import type { RunningAppliance } from './appliance-process.js';

export const SIGNING_SECRET = 'test-signing-secret-0123456789';
export const HUMAN = 'U0HUMAN';
export const ALERTS_CHANNEL = 'C0ALERTS';

export interface SlackYamlOptions {
  readonly mode: 'http' | 'socket';
  readonly apiUrl: string;
  readonly extraSlack?: string;
  readonly resolveAfter?: string;
}

/** UDP in, the sshd preset (4 in 60 s per host) and a keyword rule, Slack out (HTTP receiver or Socket Mode). */
export function slackYaml(o: SlackYamlOptions): string {
  const transport =
    o.mode === 'http'
      ? `mode: http, signingSecret: "${SIGNING_SECRET}", address: 127.0.0.1, port: 0`
      : 'mode: socket, appToken: xapp-1-test-token';
  return `
listeners:
  - { name: udp-test, protocol: udp, address: 127.0.0.1, port: 0 }
http: { address: 127.0.0.1, port: 0 }
stateDir: ./state
alerting: { updateInterval: 300ms }
rules:
  - { name: ssh_invalid_user, preset: sshd-invalid-user, resolveAfter: ${o.resolveAfter ?? '6s'} }
  - { name: keywords, type: keyword, keywords: [ALERTME], groupBy: [host], resolveAfter: ${o.resolveAfter ?? '6s'} }
notify:
  console: {}
  slack: { ${transport}, botToken: xoxb-test-token, channel: "#alerts", apiUrl: "${o.apiUrl}", retries: 0, timeout: 2s, outbox: { maxBackoff: 1s }${o.extraSlack ? `, ${o.extraSlack}` : ''} }
`;
}

export function sshLine(host: string, user: string, ip = '203.0.113.7'): string {
  return `<38>1 ${new Date().toISOString()} ${host} sshd 4242 - - Invalid user ${user} from ${ip} port 50022`;
}

export async function sendUdp(app: RunningAppliance, lines: readonly string[]): Promise<void> {
  const socket = createSocket('udp4');
  for (const line of lines) await new Promise<void>((r) => socket.send(line, app.ports.get('udp-test')!, '127.0.0.1', () => r()));
  socket.close();
}

/** `n` sshd "Invalid user" lines from one host: 4 or more opens an incident. */
export function sshBurst(app: RunningAppliance, host: string, n = 4): Promise<void> {
  return sendUdp(app, Array.from({ length: n }, (_, i) => sshLine(host, `user${i}`)));
}

const json = (call: FakeCall): string => JSON.stringify(call.args);

/** Successful calls of a method whose arguments mention `text` (e.g. a host name). */
export function callsAbout(fake: FakeSlackApi, method: string, text: string): FakeCall[] {
  return fake.callsOf(method).filter((c) => c.outcome === 200 && json(c).includes(text));
}

/** The button with this action_id in a posted or updated message, or undefined. */
export function buttonIn(call: FakeCall, actionId: string): { value: string } | undefined {
  const blocks = (call.args.blocks ?? []) as { type: string; elements?: { action_id?: string; value?: string }[] }[];
  for (const b of blocks) for (const e of b.elements ?? []) if (e.action_id === actionId) return { value: e.value! };
  return undefined;
}

export async function waitUntil(check: () => boolean, what: string, fake: FakeSlackApi, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; Slack calls:\n${fake.describe()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
