/**
 * `--target udp://host:port | tcp://host:port | tls://host:port`, and the loopback-only rule: without
 * `--allow-remote` the simulator sends only to 127.0.0.0/8, ::1 (or ::ffff:127.x) and `localhost`, and it checks
 * that before resolving or opening anything. `localhost` is resolved locally and must come back as loopback;
 * other names are not even looked up unless remote targets are allowed.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

export const TARGET_PROTOCOLS = ['udp', 'tcp', 'tls'] as const;
export type TargetProtocol = (typeof TARGET_PROTOCOLS)[number];

export interface Target {
  readonly protocol: TargetProtocol;
  /** As given, without IPv6 brackets. */
  readonly host: string;
  readonly port: number;
}

export interface ResolvedTarget extends Target {
  /** The IP address the sockets use. */
  readonly address: string;
  readonly family: 4 | 6;
}

/** A target the rules forbid (or that does not resolve): the command reports it and exits 2. */
export class TargetError extends Error {
  override readonly name = 'TargetError';
}

/** Parses the URL; returns the reason as a string when it is not one. */
export function parseTarget(text: string): Target | string {
  const m = /^([a-z]+):\/\/(\[[0-9a-fA-F:.]+\]|[^/:[\]@?#\s]+):(\d{1,5})\/?$/.exec(text);
  if (m === null) return `--target "${text}" is not udp://HOST:PORT, tcp://HOST:PORT or tls://HOST:PORT`;
  const protocol = m[1] as TargetProtocol;
  if (!TARGET_PROTOCOLS.includes(protocol)) return `--target protocol "${m[1]}" is not one of udp, tcp, tls`;
  const port = Number(m[3]);
  if (port < 1 || port > 65535) return `--target port must be 1-65535, got ${m[3]}`;
  const host = m[2]!.startsWith('[') ? m[2]!.slice(1, -1) : m[2]!;
  if (m[2]!.startsWith('[') && isIP(host) !== 6) return `--target "${m[2]}" is not an IPv6 address`;
  return { protocol, host, port };
}

/** 127.0.0.0/8, ::1 and IPv4-mapped 127.x. */
export function isLoopbackAddress(address: string): boolean {
  const lower = address.toLowerCase();
  const v4 = lower.startsWith('::ffff:') ? lower.slice(7) : lower;
  if (isIP(v4) === 4) return v4.startsWith('127.');
  if (isIP(lower) !== 6) return false;
  return /^(?:0{0,4}:){2,7}0{0,3}1$/.test(lower);
}

function refuse(target: Target): TargetError {
  return new TargetError(`refusing to send to ${target.host}: only loopback targets (127.0.0.0/8, ::1, localhost) are allowed; pass --allow-remote to send elsewhere`);
}

/** The address to send to, after the loopback rule. Throws TargetError. */
export async function resolveTarget(target: Target, allowRemote: boolean): Promise<ResolvedTarget> {
  const family = isIP(target.host);
  if (family !== 0) {
    if (!allowRemote && !isLoopbackAddress(target.host)) throw refuse(target);
    return { ...target, address: target.host, family: family as 4 | 6 };
  }
  const isLocalhost = target.host.toLowerCase() === 'localhost';
  if (!allowRemote && !isLocalhost) throw refuse(target);
  let addresses: { address: string; family: number }[];
  try {
    addresses = await lookup(target.host, { all: true });
  } catch (err) {
    throw new TargetError(`cannot resolve ${target.host}: ${(err as Error).message}`);
  }
  const usable = allowRemote ? addresses : addresses.filter((a) => isLoopbackAddress(a.address));
  const chosen = usable.find((a) => a.family === 4) ?? usable[0];
  if (chosen === undefined) throw isLocalhost && !allowRemote ? new TargetError(`localhost does not resolve to a loopback address here (${addresses.map((a) => a.address).join(', ')}); give 127.0.0.1 or ::1`) : new TargetError(`cannot resolve ${target.host}`);
  return { ...target, address: chosen.address, family: chosen.family === 6 ? 6 : 4 };
}
