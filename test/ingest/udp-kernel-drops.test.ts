import { describe, it, expect } from 'vitest';
import { procAddressHex, readUdpKernelDrops, sumDrops } from '../../src/ingest/udp-kernel-drops.js';

// Verbatim shape of /proc/net/udp and /proc/net/udp6 on x86_64 (little-endian).
const UDP = `   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
  120: 00000000:0202 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 31331 2 0000000000000000 17
  377: 0100007F:15B3 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 31332 2 0000000000000000 5
  378: 0100007F:0202 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 31333 2 0000000000000000 100
`;
const UDP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
  120: 00000000000000000000000000000000:0202 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 41331 2 0000000000000000 3
  121: 00000000000000000000000001000000:0202 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 41332 2 0000000000000000 9
`;
const files: Record<string, string> = { '/proc/net/udp': UDP, '/proc/net/udp6': UDP6 };
const readText = (p: string): string | null => files[p] ?? null;

describe('readUdpKernelDrops', () => {
  it('sums the drops of sockets bound to exactly our address and port', () => {
    expect(readUdpKernelDrops([{ address: '0.0.0.0', port: 514 }], { readText, endianness: 'LE' })).toBe(17);
    expect(readUdpKernelDrops([{ address: '127.0.0.1', port: 514 }], { readText, endianness: 'LE' })).toBe(100);
    expect(readUdpKernelDrops([{ address: '::', port: 514 }], { readText, endianness: 'LE' })).toBe(3);
    expect(readUdpKernelDrops([{ address: '::1', port: 514 }], { readText, endianness: 'LE' })).toBe(9);
    expect(
      readUdpKernelDrops([{ address: '0.0.0.0', port: 514 }, { address: '127.0.0.1', port: 5555 }, { address: '::', port: 514 }], {
        readText,
        endianness: 'LE',
      }),
    ).toBe(17 + 5 + 3);
    expect(readUdpKernelDrops([{ address: '0.0.0.0', port: 9999 }], { readText, endianness: 'LE' })).toBe(0);
  });

  it('returns null when /proc cannot be read', () => {
    expect(readUdpKernelDrops([{ address: '0.0.0.0', port: 514 }], { readText: () => null })).toBeNull();
  });

  it('ignores malformed lines', () => {
    expect(sumDrops('header\ngarbage line\n\n', new Set(['0100007F:0202']))).toBe(0);
  });
});

describe('procAddressHex', () => {
  it('prints each 32-bit word in host byte order', () => {
    expect(procAddressHex('127.0.0.1', 'LE')).toBe('0100007F');
    expect(procAddressHex('127.0.0.1', 'BE')).toBe('7F000001');
    expect(procAddressHex('::1', 'LE')).toBe('00000000000000000000000001000000');
    expect(procAddressHex('2001:db8::ff00:42:8329', 'LE')).toBe('B80D01200000000000FF000029834200');
    expect(procAddressHex('::ffff:10.1.2.3', 'LE')).toBe('0000000000000000FFFF00000302010A');
    expect(procAddressHex('nope', 'LE')).toBeNull();
  });
});
