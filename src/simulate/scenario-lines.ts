/**
 * The lines scenarios inject on top of the background: sshd "Invalid user" attempts (what the shipped
 * `sshd-invalid-user` preset counts) and lines carrying the keywords of config/default.yaml's keyword rule.
 * test/simulate/scenario-lines.test.ts runs them through the real rules to prove they match.
 */
import type { HostRole } from './hosts.js';
import type { Random } from './prng.js';
import type { SyslogEvent } from './syslog-format.js';

/** User names brute-force scripts try first. */
const TRIED_USERS = ['admin', 'test', 'oracle', 'ubuntu', 'user', 'guest', 'postgres', 'ftpuser', 'support', 'git', 'pi', 'administrator', 'dev', 'jenkins'];

/** One failed connection attempt as OpenSSH logs it first: a new sshd process, an unknown user, the source. */
export function invalidUserEvent(r: Random, attacker: string): SyslogEvent {
  return { facility: 10, severity: 6, app: 'sshd', procid: String(r.int(300, 65000)), text: `Invalid user ${r.pick(TRIED_USERS)} from ${attacker} port ${r.int(32768, 60999)}` };
}

/**
 * Each contains one keyword of the default config, as the real program writes it: the OOM killer, a crashing
 * process, a Cisco configuration change, a router web UI refusing a password.
 */
const KEYWORD_EVENTS: readonly (readonly [HostRole, (r: Random) => SyslogEvent])[] = [
  ['server', (r) => ({ facility: 0, severity: 3, app: 'kernel', procid: null, text: `Out of memory: Killed process ${r.int(1000, 65000)} (${r.pick(['java', 'node', 'postgres', 'python3'])}) total-vm:${r.int(1_000_000, 9_999_999)}kB, anon-rss:${r.int(500_000, 3_999_999)}kB, file-rss:0kB, shmem-rss:0kB, UID:${r.int(100, 1001)} pgtables:${r.int(1000, 9999)}kB oom_score_adj:0` })],
  ['server', (r) => ({ facility: 0, severity: 6, app: 'kernel', procid: null, text: `${r.pick(['php-fpm', 'nginx', 'python3'])}[${r.int(1000, 65000)}]: segfault at ${r.int(0, 0xffff).toString(16)} ip 00007f${r.int(0x100000, 0xffffff).toString(16)}a2b sp 00007ffd${r.int(0x100000, 0xffffff).toString(16)}e0 error 4 in libc.so.6[7f3e2a228000+195000] likely on CPU ${r.int(0, 3)} (core ${r.int(0, 3)}, socket 0)` })],
  ['router', (r) => ({ facility: 23, severity: 5, app: null, procid: null, text: `%SYS-5-CONFIG_I: Configured from console by ${r.pick(['admin', 'netops'])} on vty0 (${r.pick(['10.0.0.5', '10.0.0.17'])})` })],
  ['router', (r) => ({ facility: 4, severity: 4, app: 'uhttpd', procid: String(r.int(300, 5000)), text: `login failure for user ${r.pick(['admin', 'root'])} from ${r.lanIpv4()}` })],
];

/** A keyword line, and the kind of host that would send it. */
export function keywordEvent(r: Random): { role: HostRole; event: SyslogEvent } {
  const [role, make] = r.pick(KEYWORD_EVENTS);
  return { role, event: make(r) };
}
