/** The YAML config of an appliance under load: loopback listeners on kernel-chosen ports, metrics on loopback. */

export interface ApplianceYamlOptions {
  /** Flow-style listener entries, e.g. `{ name: load-tcp, protocol: tcp, address: 127.0.0.1, port: 0 }`. */
  readonly listeners: readonly string[];
  /** Flow-style rule entries (default: none). */
  readonly rules?: readonly string[];
  /** The notify section's flow value (default: `{ console: {} }`). */
  readonly notify?: string;
  /** More top-level lines, e.g. `alerting: { updateInterval: 1s }`. */
  readonly extra?: readonly string[];
}

export function applianceYaml(o: ApplianceYamlOptions): string {
  return [
    '# written by the load script (src/load/)',
    'listeners:',
    ...o.listeners.map((l) => `  - ${l}`),
    'http: { address: 127.0.0.1, port: 0 }',
    'stateDir: ./state',
    'timezone: UTC',
    (o.rules ?? []).length === 0 ? 'rules: []' : 'rules:',
    ...(o.rules ?? []).map((r) => `  - ${r}`),
    `notify: ${o.notify ?? '{ console: {} }'}`,
    ...(o.extra ?? []),
    'log: { level: info }',
    '',
  ].join('\n');
}

/** The signing secret the load scenarios configure, and sign their Slack requests with. */
export const LOAD_SIGNING_SECRET = 'load-test-signing-secret-0123456789';

/**
 * `notify` with the console and a Slack app in HTTP mode whose Web API is the fake at `apiUrl` (loopback), its
 * receiver on a kernel-chosen loopback port. No retries inside the client: each outbox attempt is one call.
 */
export function slackHttpNotify(apiUrl: string, maxBackoff: string): string {
  return (
    `{ console: {}, slack: { mode: http, botToken: xoxb-load-test, signingSecret: "${LOAD_SIGNING_SECRET}", channel: "#alerts", ` +
    `address: 127.0.0.1, port: 0, apiUrl: "${apiUrl}", retries: 0, timeout: 2s, outbox: { maxBackoff: ${maxBackoff} } } }`
  );
}
