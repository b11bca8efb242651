/**
 * The simulated fleet: `count` distinct host names as they appear in syslog headers, a mix of short names
 * ("web-03"), FQDNs ("nas-05.lan.example.net") and devices that send their address ("10.20.0.7"). Each host has
 * a role, so a router sends router lines and a web server nginx lines.
 */
import type { Random } from './prng.js';

export type HostRole = 'server' | 'web' | 'router';

export interface SimHost {
  readonly name: string;
  readonly role: HostRole;
}

const STEMS: Readonly<Record<HostRole, readonly string[]>> = {
  server: ['db', 'pi', 'nas', 'k8s-node', 'mail', 'vpn', 'build', 'backup'],
  web: ['web', 'proxy', 'www'],
  router: ['gw', 'router', 'ap', 'openwrt'],
};

export function buildHosts(random: Random, count: number): SimHost[] {
  const hosts: SimHost[] = [];
  for (let i = 0; i < count; i++) {
    const role = random.weighted<HostRole>([[5, 'server'], [3, 'web'], [2, 'router']]);
    const n = String(i + 1).padStart(2, '0');
    let name: string;
    if (i % 7 === 6) name = `10.20.${Math.floor(i / 250)}.${(i % 250) + 1}`;
    else if (i % 5 === 4) name = `${random.pick(STEMS[role])}-${n}.lan.example.net`;
    else name = `${random.pick(STEMS[role])}-${n}`;
    hosts.push({ name, role });
  }
  return hosts;
}
