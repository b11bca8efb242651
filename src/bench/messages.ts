/**
 * The benchmark's message mix: RFC 3164 and RFC 5424 lines as real devices send them (sshd, cron, kernel
 * firewall, nginx, dnsmasq/MikroTik/Cisco routers, systemd, a few oddities), from many hosts. Built once,
 * deterministically (seeded PRNG), ahead of the timed runs, so the sender only hands ready Buffers to sockets.
 */
import { Random } from '../simulate/prng.js';
import { frameMessage, type StreamFraming } from '../simulate/stream-transport.js';
import { MONTHS, two } from '../simulate/timestamps.js';

/** The text of sshd's "Invalid user" lines; rsyslog's filter in the bench writes the lines that contain it. */
export const INVALID_USER_TEXT = 'Invalid user';

export interface MessageMix {
  /** One message per entry, without framing (UDP datagrams). */
  readonly datagrams: readonly Buffer[];
  /** Share of each kind, for the report. */
  readonly kinds: Readonly<Record<string, number>>;
  readonly meanBytes: number;
}

const USERS = ['root', 'admin', 'ubuntu', 'pi', 'oracle', 'test', 'git', 'postgres', 'guest', 'user', 'deploy', 'www-data'];
const PATHS = ['/', '/index.html', '/api/v1/items?page=2', '/login', '/static/app.3f9a1c.js', '/wp-login.php', '/favicon.ico', '/healthz', '/metrics', '/images/logo.png'];
const AGENTS = [
  'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
  'curl/8.5.0',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  'Prometheus/2.53.0',
  'python-requests/2.31.0',
];

/** The simulator's seeded generator (mulberry32), so every run sends the same mix; plus field makers. */
class Gen extends Random {
  ipv4(): string {
    return `${this.pick([10, 172, 192, 203, 198, 45, 185, 91])}.${this.int(0, 255)}.${this.int(0, 255)}.${this.int(1, 254)}`;
  }
  pri(facility: number, severity: number): string {
    return `<${facility * 8 + severity}>`;
  }
  /** "Oct  1 22:14:15" (BSD: day space-padded). */
  bsdTime(): string {
    return `${this.pick(MONTHS)} ${String(this.int(1, 28)).padStart(2, ' ')} ${two(this.int(0, 23))}:${two(this.int(0, 59))}:${two(this.int(0, 59))}`;
  }
  /** RFC 3339 with fraction and offset, as rsyslog/syslog-ng send it. */
  isoTime(): string {
    const frac = this.chance(0.5) ? `.${String(this.int(0, 999999)).padStart(6, '0')}` : `.${String(this.int(0, 999)).padStart(3, '0')}`;
    const zone = this.pick(['Z', '+00:00', '+01:00', '+02:00', '-05:00']);
    return `2026-${two(this.int(1, 12))}-${two(this.int(1, 28))}T${two(this.int(0, 23))}:${two(this.int(0, 59))}:${two(this.int(0, 59))}${frac}${zone}`;
  }
}

type Maker = (g: Gen, host: string) => string;

const SSHD: Maker = (g, host) => {
  const pid = g.int(1000, 65000);
  const ip = g.ipv4();
  const port = g.int(1024, 65535);
  const text = g.pick([
    `Failed password for invalid user ${g.pick(USERS)} from ${ip} port ${port} ssh2`,
    `Failed password for ${g.pick(USERS)} from ${ip} port ${port} ssh2`,
    `Accepted publickey for ${g.pick(USERS)} from ${ip} port ${port} ssh2: ED25519 SHA256:${'x'.repeat(8)}${g.int(100000, 999999)}`,
    `Connection closed by authenticating user root ${ip} port ${port} [preauth]`,
    `Invalid user ${g.pick(USERS)} from ${ip} port ${port}`,
    `pam_unix(sshd:session): session opened for user ${g.pick(USERS)}(uid=${g.int(0, 1001)}) by (uid=0)`,
  ]);
  return `${g.pri(g.pick([4, 10]), g.pick([6, 5, 4]))}${g.bsdTime()} ${host} sshd[${pid}]: ${text}`;
};

const CRON: Maker = (g, host) =>
  `${g.pri(9, 6)}${g.bsdTime()} ${host} CRON[${g.int(1000, 65000)}]: (${g.pick(['root', 'www-data', 'backup'])}) CMD (${g.pick([
    'test -x /usr/sbin/anacron || ( cd / && run-parts --report /etc/cron.daily )',
    '/usr/local/bin/backup.sh >/dev/null 2>&1',
    'command -v debian-sa1 > /dev/null && debian-sa1 1 1',
    '[ -x /usr/lib/php/sessionclean ] && /usr/lib/php/sessionclean',
  ])})`;

const KERNEL: Maker = (g, host) => {
  const uptime = `${g.int(1, 999999)}.${String(g.int(0, 999999)).padStart(6, '0')}`;
  const text = g.chance(0.7)
    ? `[UFW BLOCK] IN=eth0 OUT= MAC=${g.mac()}:${g.mac()}:08:00 SRC=${g.ipv4()} DST=${g.ipv4()} LEN=${g.int(40, 1500)} TOS=0x00 PREC=0x00 TTL=${g.int(30, 250)} ID=${g.int(0, 65535)} PROTO=TCP SPT=${g.int(1024, 65535)} DPT=${g.pick([22, 23, 80, 443, 3389, 8080])} WINDOW=${g.int(1024, 65535)} RES=0x00 SYN URGP=0`
    : g.pick([
        `usb 1-1.2: new high-speed USB device number ${g.int(2, 20)} using xhci_hcd`,
        `EXT4-fs (mmcblk0p2): mounted filesystem with ordered data mode. Quota mode: none.`,
        `Out of memory: Killed process ${g.int(1000, 65000)} (node) total-vm:${g.int(100000, 9999999)}kB, anon-rss:${g.int(10000, 999999)}kB`,
        `eth0: Link is Up - 1Gbps/Full - flow control rx/tx`,
      ]);
  return `${g.pri(0, g.pick([4, 6, 3]))}${g.bsdTime()} ${host} kernel: [${uptime}] ${text}`;
};

const NGINX: Maker = (g, host) => {
  const status = g.pick([200, 200, 200, 304, 404, 301, 500, 403]);
  const day = two(g.int(1, 28));
  return `${g.pri(23, 6)}${g.bsdTime()} ${host} nginx: ${g.ipv4()} - - [${day}/${g.pick(MONTHS)}/2026:${two(g.int(0, 23))}:${two(g.int(0, 59))}:${two(g.int(0, 59))} +0000] "${g.pick(['GET', 'GET', 'POST', 'HEAD'])} ${g.pick(PATHS)} HTTP/1.1" ${status} ${g.int(0, 99999)} "-" "${g.pick(AGENTS)}"`;
};

/** Home routers and switches: dnsmasq, hostapd, MikroTik (no hostname), Cisco IOS sequence numbers. */
const ROUTER: Maker = (g, host) => {
  switch (g.int(0, 4)) {
    case 0:
      return `${g.pri(3, 6)}${g.bsdTime()} ${host} dnsmasq-dhcp[${g.int(500, 5000)}]: DHCPACK(br-lan) 192.168.1.${g.int(2, 254)} ${g.mac()} ${g.pick(['android-7f3a', 'iPhone', 'raspberrypi', 'printer', 'tv'])}`;
    case 1:
      return `${g.pri(3, 6)}${g.bsdTime()} ${host} hostapd: wlan0: STA ${g.mac()} IEEE 802.11: ${g.pick(['associated (aid 1)', 'disassociated', 'authenticated'])}`;
    case 2:
      // MikroTik RouterOS: no hostname, topics as the tag.
      return `${g.pri(3, 6)}${g.bsdTime()} system,info,account user ${g.pick(USERS)} logged in from ${g.ipv4()} via ${g.pick(['winbox', 'ssh', 'web'])}`;
    case 3:
      // Cisco IOS with sequence number and its own timestamp.
      return `${g.pri(23, 5)}${g.int(1, 99999)}: ${host}: *${g.bsdTime()}.${String(g.int(0, 999)).padStart(3, '0')}: %LINEPROTO-5-UPDOWN: Line protocol on Interface GigabitEthernet0/${g.int(0, 48)}, changed state to ${g.pick(['up', 'down'])}`;
    default:
      return `${g.pri(1, 4)}${g.bsdTime()} ${host} pppd[${g.int(500, 5000)}]: ${g.pick(['LCP terminated by peer', `local  IP address ${g.ipv4()}`, 'Connection terminated.'])}`;
  }
};

/** RFC 5424 from rsyslog/syslog-ng/systemd-style senders, with and without structured data. */
const RFC5424: Maker = (g, host) => {
  const app = g.pick(['sshd', 'nginx', 'systemd', 'postgres', 'app', 'docker', 'kubelet']);
  const procid = g.chance(0.8) ? String(g.int(1, 65000)) : '-';
  const msgid = g.pick(['-', 'ID47', 'auth', 'access', 'TCPIN']);
  const sd = g.chance(0.4)
    ? `[exampleSDID@32473 iut="${g.int(1, 9)}" eventSource="${g.pick(['Application', 'Kernel', 'Security'])}" eventID="${g.int(1000, 9999)}"]${g.chance(0.3) ? `[meta sequenceId="${g.int(1, 99999)}"]` : ''}`
    : '-';
  const bom = g.chance(0.2) ? '\ufeff' : '';
  const text = g.pick([
    `Started Session ${g.int(1, 9999)} of User ${g.pick(USERS)}.`,
    `connection authorized: user=${g.pick(USERS)} database=app application_name=psql`,
    `Failed password for ${g.pick(USERS)} from ${g.ipv4()} port ${g.int(1024, 65535)} ssh2`,
    `request completed method=GET path=${g.pick(PATHS)} status=${g.pick([200, 404, 500])} duration_ms=${g.int(1, 900)}`,
    `container ${g.int(100000, 999999).toString(16)}${g.int(100000, 999999).toString(16)} health_status: healthy`,
  ]);
  return `${g.pri(g.pick([1, 3, 4, 16, 23]), g.pick([3, 4, 5, 6, 7]))}1 ${g.isoTime()} ${host} ${app} ${procid} ${msgid} ${sd} ${bom}${text}`;
};

/** What real networks also deliver: no PRI, ISO timestamps in 3164 position, bare text. */
const ODD: Maker = (g, host) =>
  g.pick([
    `${g.pri(1, 5)}${g.isoTime()} ${host} app[${g.int(1, 9999)}]: rsyslog-style high precision timestamp line`,
    `${g.pri(1, 6)}${host} started ${g.pick(['backup', 'sync', 'job'])} ${g.int(1, 9999)}`,
    `message without any syslog header from ${host} id=${g.int(1, 99999)}`,
  ]);

const KINDS: readonly (readonly [string, number, Maker])[] = [
  ['sshd (3164)', 20, SSHD],
  ['cron (3164)', 6, CRON],
  ['kernel (3164)', 12, KERNEL],
  ['nginx (3164)', 14, NGINX],
  ['router (3164/Cisco/MikroTik)', 14, ROUTER],
  ['rfc5424', 30, RFC5424],
  ['odd', 4, ODD],
];

function hosts(g: Gen, n: number): string[] {
  const names: string[] = [];
  const stems = ['web', 'db', 'pi', 'nas', 'gw', 'ap', 'k8s-node', 'router', 'sw', 'cam', 'mail', 'vpn'];
  for (let i = 0; i < n; i++) {
    if (i % 7 === 3) names.push(`192.168.${g.int(0, 9)}.${g.int(2, 254)}`);
    else if (i % 5 === 1) names.push(`${g.pick(stems)}-${String(i).padStart(2, '0')}.lan.example.net`);
    else names.push(`${g.pick(stems)}-${String(i).padStart(2, '0')}`);
  }
  return names;
}

/**
 * `count` distinct messages (rounded up to a power of two so the sender can cycle with a mask) from `hostCount`
 * hosts, in a shuffled order.
 */
export function buildMessageMix(count = 4096, hostCount = 200, seed = 0x5eed): MessageMix {
  const size = 2 ** Math.ceil(Math.log2(Math.max(1, count)));
  const g = new Gen(seed);
  const hostList = hosts(g, hostCount);
  const weighted = KINDS.map(([name, weight, make]) => [weight, { name, make }] as const);
  const datagrams: Buffer[] = [];
  const kinds: Record<string, number> = {};
  let bytes = 0;
  for (let i = 0; i < size; i++) {
    const kind = g.weighted(weighted);
    const buf = Buffer.from(kind.make(g, g.pick(hostList)), 'utf8');
    datagrams.push(buf);
    bytes += buf.length;
    kinds[kind.name] = (kinds[kind.name] ?? 0) + 1;
  }
  return { datagrams, kinds, meanBytes: bytes / size };
}

/**
 * The mix as large stream chunks of whole frames (~`chunkBytes` each), for writing `total` messages over TCP
 * with few write() calls. Chunks cycle through the mix; the last one holds the remainder.
 */
export function buildStreamChunks(mix: MessageMix, framing: StreamFraming, total: number, chunkBytes = 64 * 1024): { chunks: Buffer[]; messages: number[] } {
  const framed = mix.datagrams.map((m) => Buffer.concat(frameMessage(m, framing)));
  // One cycle of the mix, cut into chunks of whole frames.
  const cycle: { buf: Buffer; n: number }[] = [];
  let parts: Buffer[] = [];
  let partBytes = 0;
  for (const f of framed) {
    parts.push(f);
    partBytes += f.length;
    if (partBytes >= chunkBytes) {
      cycle.push({ buf: Buffer.concat(parts), n: parts.length });
      parts = [];
      partBytes = 0;
    }
  }
  if (parts.length > 0) cycle.push({ buf: Buffer.concat(parts), n: parts.length });

  const chunks: Buffer[] = [];
  const messages: number[] = [];
  let left = total;
  let i = 0;
  let msgIndex = 0;
  while (left > 0) {
    const c = cycle[i % cycle.length]!;
    if (c.n <= left) {
      chunks.push(c.buf);
      messages.push(c.n);
      left -= c.n;
      msgIndex += c.n;
    } else {
      const start = msgIndex % framed.length;
      chunks.push(Buffer.concat(framed.slice(start, start + left)));
      messages.push(left);
      left = 0;
    }
    i++;
  }
  return { chunks, messages };
}
