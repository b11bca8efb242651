/**
 * Datagrams the kernel dropped for our UDP sockets (receive buffer full), from the `drops` column of
 * /proc/net/udp and /proc/net/udp6. Linux only; null where /proc cannot be read. Reads two small files:
 * cheap enough for every /metrics scrape.
 */
import { readFileSync } from 'node:fs';
import { endianness as osEndianness } from 'node:os';
import { isIPv4, isIPv6 } from 'node:net';

export interface UdpSocketEndpoint {
  /** The bound address as the socket reports it ("0.0.0.0", "::", "127.0.0.1"). */
  readonly address: string;
  readonly port: number;
}

export type ReadText = (path: string) => string | null;

export interface KernelDropsReaderOptions {
  readonly readText?: ReadText;
  /** The byte order the kernel prints addresses in (the host's). */
  readonly endianness?: 'LE' | 'BE';
}

/**
 * Sum of the kernel's drop counters for sockets bound to exactly these address:port pairs.
 * Returns null when a needed /proc file is unreadable (not Linux, or /proc hidden).
 */
export function readUdpKernelDrops(endpoints: readonly UdpSocketEndpoint[], options: KernelDropsReaderOptions = {}): number | null {
  const readText = options.readText ?? readProcText;
  const endian = options.endianness ?? osEndianness();
  const wanted = { udp: new Set<string>(), udp6: new Set<string>() };
  for (const e of endpoints) {
    const hex = procAddressHex(e.address, endian);
    if (hex === null) continue;
    (hex.length === 8 ? wanted.udp : wanted.udp6).add(`${hex}:${e.port.toString(16).toUpperCase().padStart(4, '0')}`);
  }
  let total = 0;
  for (const [file, keys] of [['/proc/net/udp', wanted.udp], ['/proc/net/udp6', wanted.udp6]] as const) {
    if (keys.size === 0) continue;
    const text = readText(file);
    if (text === null) return null;
    total += sumDrops(text, keys);
  }
  return total;
}

/** Sum the last column of the lines whose local_address (2nd column) is in `keys`. */
export function sumDrops(procText: string, keys: ReadonlySet<string>): number {
  let total = 0;
  const lines = procText.split('\n');
  for (let i = 1; i < lines.length; i++) {
    const cols = lines[i]!.trim().split(/\s+/);
    if (cols.length < 13 || !keys.has(cols[1]!)) continue;
    const drops = Number(cols[cols.length - 1]);
    if (Number.isFinite(drops)) total += drops;
  }
  return total;
}

/** How /proc/net/udp{,6} prints an address: each 32-bit word of the network-order bytes in host order, %08X. */
export function procAddressHex(address: string, endian: 'LE' | 'BE'): string | null {
  const bytes = isIPv4(address) ? ipv4Bytes(address) : isIPv6(address) ? ipv6Bytes(address) : null;
  if (bytes === null) return null;
  let hex = '';
  for (let w = 0; w < bytes.length; w += 4) {
    const word = bytes.slice(w, w + 4);
    if (endian === 'LE') word.reverse();
    for (const b of word) hex += b.toString(16).toUpperCase().padStart(2, '0');
  }
  return hex;
}

function ipv4Bytes(address: string): number[] {
  return address.split('.').map(Number);
}

function ipv6Bytes(address: string): number[] | null {
  let text = address;
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  let tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (isIPv4(text.slice(lastColon + 1))) {
    tail = ipv4Bytes(text.slice(lastColon + 1));
    text = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const parse = (s: string): number[] => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  const head = parse(halves[0]!);
  const rest = halves.length === 2 ? parse(halves[1]!) : [];
  const groups = halves.length === 2 ? [...head, ...new Array<number>(8 - head.length - rest.length).fill(0), ...rest] : head;
  if (groups.length !== 8) return null;
  const bytes = groups.flatMap((g) => [g >> 8, g & 0xff]);
  if (tail.length === 4) bytes.splice(12, 4, ...tail);
  return bytes;
}

/** A small /proc or /sys file as text, or null when it cannot be read (not Linux, sandboxed /proc). */
export function readProcText(path: string): string | null {
  try {
    return readFileSync(path, 'latin1');
  } catch {
    // Not Linux, or /proc is not mounted / readable here: the metric is simply unavailable.
    return null;
  }
}
