import { describe, expect, it } from 'vitest';
import { isLoopbackAddress, parseTarget, resolveTarget, TargetError } from '../../src/simulate/target.js';

describe('parseTarget', () => {
  it.each([
    ['udp://127.0.0.1:5514', { protocol: 'udp', host: '127.0.0.1', port: 5514 }],
    ['tcp://localhost:514', { protocol: 'tcp', host: 'localhost', port: 514 }],
    ['tls://[::1]:6514', { protocol: 'tls', host: '::1', port: 6514 }],
    ['udp://127.0.0.1:5514/', { protocol: 'udp', host: '127.0.0.1', port: 5514 }],
  ])('%s', (text, target) => {
    expect(parseTarget(text)).toEqual(target);
  });

  it.each([
    ['127.0.0.1:5514', /is not udp:\/\/HOST:PORT/],
    ['udp://127.0.0.1', /is not udp:\/\/HOST:PORT/],
    ['http://127.0.0.1:80', /protocol "http" is not one of udp, tcp, tls/],
    ['udp://127.0.0.1:0', /port must be 1-65535, got 0/],
    ['udp://127.0.0.1:70000', /port must be 1-65535/],
    ['udp://[127.0.0.1]:514', /is not an IPv6 address/],
    ['udp://user@127.0.0.1:514', /is not udp:\/\/HOST:PORT/],
    ['udp://127.0.0.1:514/path', /is not udp:\/\/HOST:PORT/],
    ['udp://::1:514', /is not udp:\/\/HOST:PORT/],
  ])('%s is refused', (text, reason) => {
    expect(parseTarget(text)).toMatch(reason);
  });
});

describe('isLoopbackAddress', () => {
  it.each(['127.0.0.1', '127.255.0.9', '::1', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1'])('%s is loopback', (a) => expect(isLoopbackAddress(a)).toBe(true));
  it.each(['128.0.0.1', '10.0.0.1', '0.0.0.0', '::', '::2', 'fe80::1', '::ffff:10.0.0.1', '1::1', 'localhost', '127.0.0.1.example.com'])('%s is not', (a) => expect(isLoopbackAddress(a)).toBe(false));
});

describe('resolveTarget: loopback only unless allowed', () => {
  it('loopback addresses pass as they are', async () => {
    expect(await resolveTarget({ protocol: 'udp', host: '127.0.0.9', port: 1 }, false)).toMatchObject({ address: '127.0.0.9', family: 4 });
    expect(await resolveTarget({ protocol: 'tcp', host: '::1', port: 1 }, false)).toMatchObject({ address: '::1', family: 6 });
  });

  it('localhost resolves to a loopback address', async () => {
    const r = await resolveTarget({ protocol: 'udp', host: 'localhost', port: 1 }, false);
    expect(isLoopbackAddress(r.address)).toBe(true);
  });

  it.each(['192.0.2.1', '10.0.0.1', '2001:db8::1', '0.0.0.0', 'example.com', 'syslog.internal'])('%s is refused without --allow-remote', async (host) => {
    const err = await resolveTarget({ protocol: 'udp', host, port: 514 }, false).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TargetError);
    expect((err as Error).message).toBe(`refusing to send to ${host}: only loopback targets (127.0.0.0/8, ::1, localhost) are allowed; pass --allow-remote to send elsewhere`);
  });

  it('an address is allowed with --allow-remote (nothing is sent or looked up here)', async () => {
    expect(await resolveTarget({ protocol: 'udp', host: '192.0.2.1', port: 514 }, true)).toMatchObject({ address: '192.0.2.1', family: 4 });
  });
});
