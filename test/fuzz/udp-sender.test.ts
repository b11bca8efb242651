import { describe, expect, it } from 'vitest';
import { classifyDatagram, udpWindow } from '../../src/fuzz/udp-sender.js';

describe('what a UDP listener must do with a datagram', () => {
  it('receives it without its trailing LF, CR and NUL', () => {
    expect(classifyDatagram(Buffer.from('<13>hi\r\n\0'), 100, false)).toEqual({ outcome: 'received', length: 6 });
    expect(classifyDatagram(Buffer.from('a\0b'), 100, false)).toEqual({ outcome: 'received', length: 3 });
  });

  it('drops it as empty, oversize or denied', () => {
    expect(classifyDatagram(Buffer.from('\r\n\0\n'), 100, false).outcome).toBe('empty');
    expect(classifyDatagram(Buffer.alloc(0), 100, false).outcome).toBe('empty');
    expect(classifyDatagram(Buffer.alloc(101, 'x'), 100, false).outcome).toBe('oversize');
    expect(classifyDatagram(Buffer.concat([Buffer.alloc(100, 'x'), Buffer.from('\n')]), 100, false).outcome).toBe('received');
    expect(classifyDatagram(Buffer.from('fine'), 100, true).outcome).toBe('denied');
  });

  it('keeps the datagrams in flight to about half the receive buffer', () => {
    expect(udpWindow(4 * 1024 * 1024, 1000)).toBe(Math.floor((2 * 1024 * 1024) / 2512));
    expect(udpWindow(208 * 1024, 30_000)).toBe(64);
    expect(udpWindow(64 * 1024 * 1024, 10)).toBe(4000);
  });
});
