/**
 * End to end with a real rsyslogd: the appliance (src/main.ts) on free loopback ports, and a throwaway rsyslogd
 * (foreground, own temp dir, no system sockets) that forwards to it with omfwd, as a Raspberry Pi or server would:
 * - over TCP, octet-counted, in RFC 5424 (RSYSLOG_SyslogProtocol23Format);
 * - over UDP, in the traditional forward format (RSYSLOG_TraditionalForwardFormat, rsyslog's default).
 * The test writes BSD lines, as local programs log them, into one imtcp input per forwarding path. The forwarding
 * actions are the ones README.md ("Pointing devices at it") shows, with 127.0.0.1 and the test's ports.
 *
 * rsyslogd is required: CI (.ci/run) installs it, so a missing rsyslogd fails this file instead of skipping it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bsdTimestamp } from '../../src/simulate/timestamps.js';
import { eventually, metricValue, startAppliance, type RunningAppliance } from '../helpers/appliance-process.js';
import { findRsyslogd, startRsyslogd, type RunningRsyslogd } from '../helpers/rsyslogd.js';

const CONFIG = `
listeners:
  - { name: udp-test, protocol: udp, address: 127.0.0.1, port: 0 }
  - { name: tcp-test, protocol: tcp, address: 127.0.0.1, port: 0 }
http: { address: 127.0.0.1, port: 0 }
stateDir: ./state
timezone: UTC
rules:
  - { name: ssh_invalid_user, preset: sshd-invalid-user, threshold: 3, window: 5m, resolveAfter: 10m }
  - { name: marker, type: keyword, keywords: [rsyslog-e2e-marker], groupBy: [host, appname], resolveAfter: 10m }
notify: { console: {} }
log: { level: info }
`;

/** The forwarding actions, exactly as README.md shows them (there with 192.0.2.10 and port 514). */
const forwardTcp = (port: number) =>
  `action(type="omfwd" target="127.0.0.1" port="${port}" protocol="tcp" TCP_Framing="octet-counted"
       template="RSYSLOG_SyslogProtocol23Format"
       queue.type="LinkedList" queue.size="10000" action.resumeRetryCount="-1")`;
const forwardUdp = (port: number) => `action(type="omfwd" target="127.0.0.1" port="${port}" protocol="udp" template="RSYSLOG_TraditionalForwardFormat")`;

interface Event {
  event: string;
  rule: string;
  key: Record<string, string>;
  count: number;
  distinct: Record<string, string[]>;
  samples: string[];
}

let app: RunningAppliance | undefined;
let rsyslogd: RunningRsyslogd | undefined;

const binary = await findRsyslogd();

async function cleanUp(): Promise<void> {
  await rsyslogd?.stop();
  await app?.stop();
}

async function counter(series: string): Promise<number> {
  return metricValue(await app!.metrics(), series) ?? 0;
}

/** Runs `check`; on failure adds rsyslogd's output and the appliance's warnings to the error. */
async function explained<T>(check: () => Promise<T>): Promise<T> {
  try {
    return await check();
  } catch (err) {
    const warnings = app!.logs.filter((l) => l.level >= 40).map((l) => JSON.stringify(l));
    (err as Error).message += `\n${rsyslogd!.diagnostics()}\n--- appliance warnings and errors ---\n${warnings.join('\n') || '(none)'}`;
    throw err;
  }
}

/** Waits until `series` has grown by exactly `by` from `from` (waits for at least, then checks no more came). */
async function grows(series: string, from: number, by: number, timeoutMs = 10_000): Promise<void> {
  await eventually(async () => (await counter(series)) >= from + by, timeoutMs, `${series} to reach ${from + by}`);
  expect(await counter(series), series).toBe(from + by);
}

function events(): Event[] {
  return app!.stdout.map((l) => JSON.parse(l) as Event);
}

function fired(rule: string, key: Record<string, string>): Event | undefined {
  return events().find((e) => e.event === 'fired' && e.rule === rule && JSON.stringify(e.key) === JSON.stringify(key));
}

/** `<PRI>STAMP HOST APP[PID]: TEXT`, stamped now in local time, as a local program's line reaches rsyslogd. */
const bsd = (pri: number, host: string, app: string, pid: number, text: string) => `<${pri}>${bsdTimestamp(new Date())} ${host} ${app}[${pid}]: ${text}`;

const sshd = (host: string, user: string) => bsd(38, host, 'sshd', 4242, `Invalid user ${user} from 203.0.113.9 port 50022`);

const DROP_REASONS = ['oversize', 'denied', 'connection_limit', 'bad_frame', 'truncated', 'empty', 'shutdown'];

it('rsyslogd is installed', () => {
  expect(binary, 'rsyslogd is not installed (not on PATH, /usr/sbin or /sbin): the rsyslog end-to-end tests need it. Install it with `apt-get install rsyslog` (it need not run as a service); .ci/run does so in CI.').not.toBeNull();
});

describe.skipIf(binary === null)(`appliance fed by a real rsyslogd (omfwd; ${binary?.version})`, () => {
  beforeAll(async () => {
    try {
      app = await startAppliance(CONFIG);
      rsyslogd = await startRsyslogd(binary!, {
        inputs: [
          { name: 'in_tcp', ruleset: 'to_sentinel_tcp' },
          { name: 'in_udp', ruleset: 'to_sentinel_udp' },
        ],
        rulesets: [
          `ruleset(name="to_sentinel_tcp") {\n  ${forwardTcp(app.ports.get('tcp-test')!)}\n}`,
          `ruleset(name="to_sentinel_udp") {\n  ${forwardUdp(app.ports.get('udp-test')!)}\n}`,
        ].join('\n'),
      });
    } catch (err) {
      await cleanUp();
      throw err;
    }
  }, 45_000);

  afterAll(cleanUp, 30_000);

  it('TCP, octet-counted, RFC 5424: counted as tcp, parsed as rfc5424, host and app name kept', async () => {
    const tcp = 'syslog_messages_received_total{transport="tcp"}';
    const r5424 = 'syslog_messages_parsed_total{format="rfc5424"}';
    const before = { tcp: await counter(tcp), r5424: await counter(r5424), unknown: await counter('syslog_messages_parsed_total{format="unknown"}') };
    const lines = [1, 2, 3].map((n) => bsd(30, 'gw-tcp', 'dnsmasq', 812, `rsyslog-e2e-marker query ${n} from 192.0.2.7`));
    await rsyslogd!.send('in_tcp', lines);
    await explained(async () => {
      await grows(tcp, before.tcp, 3);
      await grows(r5424, before.r5424, 3);
      await eventually(() => fired('marker', { host: 'gw-tcp', appname: 'dnsmasq' }) !== undefined, 10_000, 'marker incident for gw-tcp/dnsmasq');
    });
    expect(await counter('syslog_messages_parsed_total{format="unknown"}')).toBe(before.unknown);
    const event = fired('marker', { host: 'gw-tcp', appname: 'dnsmasq' })!;
    // RSYSLOG_SyslogProtocol23Format: "<30>1 2026-...T...+00:00 gw-tcp dnsmasq 812 - - ..."
    expect(event.samples[0]).toMatch(/^<30>1 \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d:\d\d|Z) gw-tcp dnsmasq 812 - - /);
    expect(event.samples[0]).toContain('rsyslog-e2e-marker query 1 from 192.0.2.7');
    expect(event.distinct.sourceIp).toEqual(['127.0.0.1']);
    // one connection from rsyslogd, nothing dropped on the way
    expect(await counter('syslog_connections_opened_total{transport="tcp"}')).toBe(1);
    for (const reason of DROP_REASONS) expect(await counter(`syslog_messages_dropped_total{transport="tcp",reason="${reason}"}`), reason).toBe(0);
  });

  it('UDP, traditional forward format: counted as udp, parsed as rfc3164, host and app name kept', async () => {
    const udp = 'syslog_messages_received_total{transport="udp"}';
    const r3164 = 'syslog_messages_parsed_total{format="rfc3164"}';
    const before = { udp: await counter(udp), r3164: await counter(r3164) };
    const lines = [1, 2].map((n) => bsd(30, 'ap-udp', 'hostapd', 615, `rsyslog-e2e-marker station ${n} associated`));
    await rsyslogd!.send('in_udp', lines);
    await explained(async () => {
      await grows(udp, before.udp, 2);
      await grows(r3164, before.r3164, 2);
      await eventually(() => fired('marker', { host: 'ap-udp', appname: 'hostapd' }) !== undefined, 10_000, 'marker incident for ap-udp/hostapd');
    });
    const event = fired('marker', { host: 'ap-udp', appname: 'hostapd' })!;
    // RSYSLOG_TraditionalForwardFormat: "<30>Nov 21 10:00:15 ap-udp hostapd[615]: ..."
    expect(event.samples[0]).toMatch(/^<30>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d ap-udp hostapd\[615\]: rsyslog-e2e-marker station 1 associated$/);
    expect(event.distinct.sourceIp).toEqual(['127.0.0.1']);
    for (const reason of DROP_REASONS) expect(await counter(`syslog_messages_dropped_total{transport="udp",reason="${reason}"}`), reason).toBe(0);
  });

  it('a burst of sshd "Invalid user" lines forwarded over UDP raises one incident for the host', async () => {
    const matches = 'syslog_rule_matches_total{rule="ssh_invalid_user"}';
    const opened = 'syslog_incidents_opened_total{rule="ssh_invalid_user"}';
    const before = { matches: await counter(matches), opened: await counter(opened) };
    await rsyslogd!.send('in_udp', [sshd('rpi-udp', 'admin'), sshd('rpi-udp', 'oracle')]);
    // matching and opening happen in the pipeline, before the counters can be read: below the threshold, no incident
    await explained(() => grows(matches, before.matches, 2));
    expect(await counter(opened)).toBe(before.opened);
    await rsyslogd!.send('in_udp', [sshd('rpi-udp', 'pi'), sshd('rpi-udp', 'ubuntu')]);
    await explained(() => eventually(() => fired('ssh_invalid_user', { host: 'rpi-udp' }) !== undefined, 10_000, 'ssh_invalid_user incident for rpi-udp'));
    expect(await counter(opened)).toBe(before.opened + 1);
    const event = fired('ssh_invalid_user', { host: 'rpi-udp' })!;
    expect(event.count).toBe(3);
    expect(event.distinct.user).toEqual(['pi']); // an incident's distinct values start with the line that fired it
    expect(event.distinct.ip).toEqual(['203.0.113.9']);
    expect(event.samples[0]).toMatch(/^<38>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d rpi-udp sshd\[4242\]: Invalid user pi from 203\.0\.113\.9 port 50022$/);
    expect(events().filter((e) => e.event === 'fired' && e.rule === 'ssh_invalid_user')).toHaveLength(1);
  });

  /** The preset's match count before the TCP sshd burst, for the test after it. */
  let matchesBeforeTcpBurst: number | undefined;

  it('sshd lines forwarded over TCP in RFC 5424 all arrive and parse as rfc5424', async () => {
    const tcp = 'syslog_messages_received_total{transport="tcp"}';
    const r5424 = 'syslog_messages_parsed_total{format="rfc5424"}';
    const before = { tcp: await counter(tcp), r5424: await counter(r5424) };
    matchesBeforeTcpBurst = await counter('syslog_rule_matches_total{rule="ssh_invalid_user"}');
    await rsyslogd!.send('in_tcp', ['admin', 'oracle', 'pi', 'ubuntu'].map((u) => sshd('rpi-tcp', u)));
    await explained(async () => {
      await grows(tcp, before.tcp, 4);
      await grows(r5424, before.r5424, 4);
    });
  });

  /**
   * rsyslog's msg property keeps the space after "sshd[4242]:", and RSYSLOG_SyslogProtocol23Format prints it
   * after the SP that ends the header, so the line reads `... rpi-tcp sshd 4242 - -  Invalid user admin ...`
   * (two spaces, seen byte for byte on the wire). The parser keeps that space as MSG content (RFC 5424), and
   * rule patterns run on the message without leading spaces (src/detect/match.ts), so the anchored preset
   * still matches.
   */
  it('the sshd burst forwarded over TCP in RFC 5424 matches the preset and raises an incident for the host', async () => {
    // the previous test sent the burst and waited until all four lines were in; matching happens in the same
    // synchronous pipeline run as counting, so the rule has seen them all by now
    expect(matchesBeforeTcpBurst, 'the previous test ran').toBeDefined();
    expect(await counter('syslog_rule_matches_total{rule="ssh_invalid_user"}'), 'TCP sshd lines matched by the preset').toBe(matchesBeforeTcpBurst! + 4);
    await eventually(() => fired('ssh_invalid_user', { host: 'rpi-tcp' }) !== undefined, 5000, 'ssh_invalid_user incident for rpi-tcp');
  });
});
