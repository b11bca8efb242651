import { describe, it, expect } from 'vitest';
import { bindFailure, formatEndpoint } from '../../src/ingest/bind-failure.js';
import { BindError } from '../../src/errors.js';

const errno = (code: string): NodeJS.ErrnoException => Object.assign(new Error(`listen ${code}`), { code });

describe('bindFailure', () => {
  it('explains privileged ports in one line', () => {
    const err = bindFailure(errno('EACCES'), 'udp', '0.0.0.0', 514);
    expect(err).toBeInstanceOf(BindError);
    expect(err.code).toBe('BIND_FAILED');
    expect(err.endpoint).toBe('udp 0.0.0.0:514');
    expect(err.message).toBe(
      'cannot bind udp 0.0.0.0:514: permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE: use the systemd unit, ' +
        '`sudo setcap cap_net_bind_service=+ep $(which node)`, or run with --port 5514)',
    );
    expect(err.message).not.toContain('\n');
  });

  it('names the usual culprits for a port in use', () => {
    const err = bindFailure(errno('EADDRINUSE'), 'tcp', '::', 514);
    expect(err.message).toMatch(/^cannot bind tcp \[::\]:514: address already in use .*rsyslog.*ss -ltnp 'sport = :514'/);
  });

  it('explains an address that is not on this host, and falls back to the system message', () => {
    expect(bindFailure(errno('EADDRNOTAVAIL'), 'tls', '192.0.2.1', 6514).message).toMatch(/not one of this host's addresses/);
    expect(bindFailure(errno('EWHATEVER'), 'tls', '192.0.2.1', 6514).message).toBe('cannot bind tls 192.0.2.1:6514: listen EWHATEVER');
  });

  it('formats IPv6 endpoints with brackets', () => {
    expect(formatEndpoint('::1', 514)).toBe('[::1]:514');
    expect(formatEndpoint('10.0.0.1', 514)).toBe('10.0.0.1:514');
  });
});
