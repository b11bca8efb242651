/**
 * Background traffic: the everyday lines of a small network, as events (see syslog-format.ts). Mostly benign
 * and deliberately free of what the shipped rules alert on: no "Invalid user" line (the sshd-invalid-user
 * preset) and none of the default keywords; failed logins come from scattered addresses, as on any host with
 * an open port 22. test/simulate/scenario-lines.test.ts runs these lines through the default rules to keep it so.
 */
import type { HostRole } from './hosts.js';
import type { Random } from './prng.js';
import type { SyslogEvent } from './syslog-format.js';
import { accessLogTimestamp } from './timestamps.js';

export const BACKGROUND_KINDS = ['sshd', 'cron', 'kernel', 'nginx', 'router', 'systemd'] as const;
export type BackgroundKind = (typeof BACKGROUND_KINDS)[number];

type Template = (r: Random, now: Date) => SyslogEvent;

const USERS = ['deploy', 'alice', 'bob', 'backup', 'git', 'ubuntu', 'pi', 'root'];
const FACILITY = { kern: 0, daemon: 3, auth: 4, cron: 9, authpriv: 10, local7: 23 } as const;

const pid = (r: Random) => String(r.int(300, 65000));
const port = (r: Random) => r.int(1024, 65535);
const fingerprint = (r: Random) => Array.from({ length: 43 }, () => r.pick([...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'])).join('');

const sshd: Template = (r) => {
  const user = r.pick(USERS);
  const text = r.weighted<() => string>([
    [4, () => `Accepted publickey for ${user} from ${r.lanIpv4()} port ${port(r)} ssh2: ED25519 SHA256:${fingerprint(r)}`],
    [4, () => `pam_unix(sshd:session): session opened for user ${user}(uid=${r.int(1000, 1005)}) by (uid=0)`],
    [3, () => `pam_unix(sshd:session): session closed for user ${user}`],
    [2, () => `Received disconnect from ${r.lanIpv4()} port ${port(r)}:11: disconnected by user`],
    [2, () => `Failed password for ${user} from ${r.publicIpv4()} port ${port(r)} ssh2`],
    [1, () => `Connection closed by authenticating user ${user} ${r.publicIpv4()} port ${port(r)} [preauth]`],
  ])();
  return { facility: FACILITY.authpriv, severity: text.startsWith('Failed') ? 5 : 6, app: 'sshd', procid: pid(r), text };
};

const cron: Template = (r) => ({
  facility: FACILITY.cron,
  severity: 6,
  app: 'CRON',
  procid: pid(r),
  text: r.chance(0.3)
    ? 'pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)'
    : `(${r.pick(['root', 'www-data', 'backup'])}) CMD (${r.pick([
        'test -x /usr/sbin/anacron || { cd / && run-parts --report /etc/cron.daily; }',
        '/usr/local/bin/backup.sh >/dev/null 2>&1',
        'command -v debian-sa1 > /dev/null && debian-sa1 1 1',
        '[ -x /usr/lib/php/sessionclean ] && if [ ! -d /run/systemd/system ]; then /usr/lib/php/sessionclean; fi',
      ])})`,
});

const kernel: Template = (r) => {
  const text = r.weighted<() => string>([
    [5, () => `[UFW BLOCK] IN=eth0 OUT= MAC=${r.mac()}:${r.mac()}:08:00 SRC=${r.publicIpv4()} DST=192.168.1.${r.int(2, 20)} LEN=${r.int(40, 60)} TOS=0x00 PREC=0x00 TTL=${r.int(40, 250)} ID=${r.int(0, 65535)} PROTO=TCP SPT=${port(r)} DPT=${r.pick([22, 23, 443, 3389, 8080])} WINDOW=${r.int(1024, 65535)} RES=0x00 SYN URGP=0`],
    [1, () => `eth0: Link is Up - 1Gbps/Full - flow control rx/tx`],
    [1, () => `usb 1-1.${r.int(1, 4)}: new high-speed USB device number ${r.int(2, 20)} using xhci_hcd`],
    [1, () => `EXT4-fs (sda${r.int(1, 3)}): re-mounted. Quota mode: none.`],
  ])();
  return { facility: FACILITY.kern, severity: text.startsWith('[UFW') ? 4 : 6, app: 'kernel', procid: null, text };
};

const nginx: Template = (r, now) => {
  const path = r.pick(['/', '/index.html', '/api/v1/items?page=2', '/login', '/static/app.3f9a1c.js', '/favicon.ico', '/healthz', '/images/logo.png']);
  const agent = r.pick(['Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', 'curl/8.5.0', 'Prometheus/2.53.0', 'python-requests/2.31.0']);
  const status = r.pick([200, 200, 200, 200, 304, 301, 404]);
  return {
    facility: FACILITY.local7,
    severity: 6,
    app: 'nginx',
    procid: null,
    msgid: 'access',
    text: `${r.chance(0.5) ? r.lanIpv4() : r.publicIpv4()} - - [${accessLogTimestamp(now)}] "${r.pick(['GET', 'GET', 'POST', 'HEAD'])} ${path} HTTP/1.1" ${status} ${r.int(0, 99999)} "-" "${agent}"`,
  };
};

/** OpenWrt-style: dnsmasq DHCP and DNS, dropbear (the router's SSH server), hostapd, netifd. */
const router: Template = (r) => {
  const ip = r.lanIpv4();
  const mac = r.mac();
  return r.weighted<() => SyslogEvent>([
    [4, () => ({ facility: FACILITY.daemon, severity: 6, app: 'dnsmasq-dhcp', procid: pid(r), text: r.pick([`DHCPDISCOVER(br-lan) ${mac}`, `DHCPOFFER(br-lan) ${ip} ${mac}`, `DHCPREQUEST(br-lan) ${ip} ${mac}`, `DHCPACK(br-lan) ${ip} ${mac} ${r.pick(['android-7f3a', 'iPhone', 'raspberrypi', 'printer', 'tv'])}`]) })],
    [2, () => ({ facility: FACILITY.daemon, severity: 6, app: 'dnsmasq', procid: pid(r), text: `query[${r.pick(['A', 'AAAA'])}] ${r.pick(['example.com', 'time.cloudflare.com', 'updates.openwrt.org', 'api.github.com'])} from ${ip}` })],
    [2, () => ({ facility: FACILITY.authpriv, severity: 6, app: 'dropbear', procid: pid(r), text: r.pick([`Child connection from ${ip}:${port(r)}`, `Pubkey auth succeeded for 'root' with ssh-ed25519 key SHA256:${fingerprint(r)} from ${ip}:${port(r)}`, `Exit (root) from <${ip}:${port(r)}>: Disconnect received`]) })],
    [2, () => ({ facility: FACILITY.daemon, severity: 6, app: 'hostapd', procid: null, text: `wlan0: STA ${mac} IEEE 802.11: ${r.pick(['associated (aid 1)', 'disassociated', 'authenticated'])}` })],
    [1, () => ({ facility: FACILITY.daemon, severity: 5, app: 'netifd', procid: null, text: `Interface '${r.pick(['wan', 'wan6', 'lan'])}' is now ${r.pick(['up', 'down'])}` })],
  ])();
};

const systemd: Template = (r) => {
  const session = r.int(1, 9999);
  return r.chance(0.3)
    ? { facility: FACILITY.auth, severity: 6, app: 'systemd-logind', procid: pid(r), text: r.chance(0.5) ? `New session ${session} of user ${r.pick(USERS)}.` : `Removed session ${session}.` }
    : {
        facility: FACILITY.daemon,
        severity: 6,
        app: 'systemd',
        procid: '1',
        text: r.pick([`Started Session ${session} of User ${r.pick(USERS)}.`, 'Starting Daily apt download activities...', 'logrotate.service: Deactivated successfully.', 'Finished Rotate log files.', 'Reloading.']),
      };
};

const TEMPLATES: Readonly<Record<BackgroundKind, Template>> = { sshd, cron, kernel, nginx, router, systemd };

/** What each role sends, by weight. */
const MIX: Readonly<Record<HostRole, readonly (readonly [number, BackgroundKind])[]>> = {
  server: [[5, 'sshd'], [3, 'cron'], [3, 'kernel'], [4, 'systemd']],
  web: [[12, 'nginx'], [2, 'sshd'], [1, 'cron'], [1, 'kernel'], [2, 'systemd']],
  router: [[8, 'router'], [2, 'kernel']],
};

export function backgroundEvent(r: Random, role: HostRole, now: Date): { kind: BackgroundKind; event: SyslogEvent } {
  const kind = r.weighted(MIX[role]);
  return { kind, event: TEMPLATES[kind](r, now) };
}
