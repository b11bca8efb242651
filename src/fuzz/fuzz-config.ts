/**
 * The configs the fuzz run starts the appliance with. The main one: two UDP and four TCP listeners on 127.0.0.1
 * port 0 (one of each for the traffic; one that denies loopback per transport; a TCP listener with a 1 s
 * idleTimeout for slowloris and one with maxConnections 4), alerting.maxOpenIncidents 1,000, the shipped default
 * rules, and extra rules whose patterns the load-time check accepts although V8 backtracks on them (quadratic at
 * worst: the regex-hostile lines aim at them). The other one holds only patterns the check must refuse.
 */
import { defaultRules } from '../harness/default-rules.js';

export const LISTENERS = {
  udp: 'fuzz-udp',
  udpDenied: 'fuzz-udp-denied',
  tcp: 'fuzz-tcp',
  tcpIdle: 'fuzz-tcp-idle',
  tcpCap: 'fuzz-tcp-cap',
  tcpDenied: 'fuzz-tcp-denied',
} as const;

/** UDP datagrams above this are dropped as oversize (the default is 65,535, more than a datagram can carry). */
export const UDP_MAX_MESSAGE_BYTES = 16 * 1024;
/** The TCP listeners' maxFrameBytes: the default. */
export const TCP_MAX_FRAME_BYTES = 64 * 1024;
export const TCP_CAP_CONNECTIONS = 4;
/**
 * Below the default 10,000, so that a run reaches it early: the cap is exercised (incidents evicted) and the
 * state keyed by sender input levels off, which lets the memory check tell a leak from new keys.
 */
export const MAX_OPEN_INCIDENTS = 1000;
export const TCP_IDLE_TIMEOUT_MS = 1000;
/** An allow list no loopback sender is on (TEST-NET-1). */
const NOBODY = '192.0.2.0/24';

/**
 * Accepted by the load-time check, but V8 backtracks on them when a line is built for it (the regex_hostile and
 * long_line families): `^.*a.*b` is quadratic on a run of "a" (about 16 ms on 4,096 of them), the dotted run
 * quadratic on "1.1.1…" (unanchored). Not here: an unanchored `.*x`, also accepted, costs 2-9 ms on every long
 * line without an x, so it would turn the run into a measure of that one pattern (see README "Fuzzing").
 */
export const HOSTILE_BUT_ACCEPTED_RULES = [
  { name: 'fuzz_anchored_pair', type: 'keyword', patterns: ['^.*a.*b'] },
  { name: 'fuzz_dotted_run', type: 'threshold', match: { message: '(?:\\d{1,3}\\.)+x' }, window: '1m', threshold: 3 },
  { name: 'fuzz_user_from', type: 'threshold', match: { message: 'user (?<user>\\S+) from (?<ip>[0-9.]+) port \\d+$' }, groupBy: ['ip'], distinct: 'user', window: '10m', threshold: 10 },
  { name: 'fuzz_alternation', type: 'keyword', patterns: ['(?:foo|bar)+baz'], ignoreCase: true },
] as const;

/**
 * Patterns that backtrack catastrophically, one per rule; the appliance must refuse to start with any of them and
 * name each one's path. `where` is the config path its error names.
 */
export const CATASTROPHIC_RULES = [
  { rule: { name: 'nested_repetition', type: 'keyword', patterns: ['(a+)+$'] }, where: 'rules.0.patterns.0' },
  { rule: { name: 'ambiguous_alternation', type: 'threshold', match: { message: '^(a|ab)*c' }, window: '1m', threshold: 2 }, where: 'rules.1.match.message' },
  { rule: { name: 'chained_runs', type: 'keyword', patterns: ['.*a.*b'] }, where: 'rules.2.patterns.0' },
  { rule: { name: 'ambiguous_digits', type: 'keyword', patterns: ['(?:\\d{1,3})+$'] }, where: 'rules.3.patterns.0' },
  { rule: { name: 'backreference', type: 'keyword', patterns: ['(\\w+) \\1'] }, where: 'rules.4.patterns.0' },
] as const;

/** The main fuzz config. `STATE_DIR` is replaced by the spawner. JSON values are YAML flow values. */
export function fuzzConfigYaml(): string {
  const rules = [...defaultRules(), ...HOSTILE_BUT_ACCEPTED_RULES];
  return [
    '# written by the fuzz run (src/fuzz/fuzz-config.ts)',
    'listeners:',
    `  - { protocol: udp, name: ${LISTENERS.udp}, address: 127.0.0.1, port: 0, maxMessageBytes: ${UDP_MAX_MESSAGE_BYTES} }`,
    `  - { protocol: udp, name: ${LISTENERS.udpDenied}, address: 127.0.0.1, port: 0, allow: ["${NOBODY}"] }`,
    `  - { protocol: tcp, name: ${LISTENERS.tcp}, address: 127.0.0.1, port: 0, maxFrameBytes: ${TCP_MAX_FRAME_BYTES} }`,
    `  - { protocol: tcp, name: ${LISTENERS.tcpIdle}, address: 127.0.0.1, port: 0, idleTimeout: ${TCP_IDLE_TIMEOUT_MS} }`,
    `  - { protocol: tcp, name: ${LISTENERS.tcpCap}, address: 127.0.0.1, port: 0, maxConnections: ${TCP_CAP_CONNECTIONS} }`,
    `  - { protocol: tcp, name: ${LISTENERS.tcpDenied}, address: 127.0.0.1, port: 0, allow: ["${NOBODY}"] }`,
    'http: { address: 127.0.0.1, port: 0 }',
    'stateDir: STATE_DIR',
    'timezone: UTC',
    `rules: ${JSON.stringify(rules)}`,
    `alerting: { maxOpenIncidents: ${MAX_OPEN_INCIDENTS} }`,
    'notify: { console: {} }',
    'log: { level: info }',
    '',
  ].join('\n');
}

export function catastrophicConfigYaml(): string {
  return [
    '# written by the fuzz run: every pattern here must be refused at load',
    'listeners:',
    '  - { protocol: udp, address: 127.0.0.1, port: 0 }',
    'http: { address: 127.0.0.1, port: 0 }',
    'stateDir: STATE_DIR',
    `rules: ${JSON.stringify(CATASTROPHIC_RULES.map((c) => c.rule))}`,
    '',
  ].join('\n');
}
