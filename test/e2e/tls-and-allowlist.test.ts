/** The real appliance with a TLS listener that requires client certificates, and a UDP listener with an allowlist. */
import { createSocket } from 'node:dgram';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, metricValue, startAppliance, type RunningAppliance } from '../helpers/appliance-process.js';
import { generateTestCertificates, type CertificatePair } from '../helpers/tls-certificates.js';

const certs = generateTestCertificates();
let app: RunningAppliance;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sentinel-tls-e2e-'));
  for (const [name, pair] of Object.entries({ server: certs.server, client: certs.client })) {
    writeFileSync(join(dir, `${name}.crt`), pair.cert);
    writeFileSync(join(dir, `${name}.key`), pair.key);
  }
  app = await startAppliance(`
listeners:
  - { name: tls-test, protocol: tls, address: 127.0.0.1, port: 0, cert: ${dir}/server.crt, key: ${dir}/server.key, ca: ${dir}/client.crt, clientAuth: require }
  - { name: udp-walled, protocol: udp, address: 127.0.0.1, port: 0, allow: [10.0.0.0/8, "2001:db8::/32"] }
http: { address: 127.0.0.1, port: 0 }
`);
}, 30_000);

afterAll(async () => {
  await app?.stop();
});

function sendTls(client: CertificatePair, payload: string): Promise<'sent' | 'refused'> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port: app.ports.get('tls-test')!, ca: certs.server.cert, cert: client.cert, key: client.key, servername: 'localhost' }, () => {
      socket.end(payload);
    });
    let outcome: 'sent' | 'refused' = 'sent';
    socket.on('error', () => (outcome = 'refused'));
    socket.on('close', () => resolve(outcome));
  });
}

const series = async (s: string) => metricValue(await app.metrics(), s) ?? 0;

describe('TLS listener (RFC 5425) with client certificates', () => {
  it('receives octet-counted messages from a trusted client', async () => {
    const msg = '<165>1 2026-11-21T10:00:00.123456Z router.lan netd 77 ID1 [ex@32473 iut="3"] link up';
    await sendTls(certs.client, `${Buffer.byteLength(msg)} ${msg}${Buffer.byteLength(msg)} ${msg}`);
    await eventually(async () => (await series('syslog_messages_received_total{transport="tls"}')) === 2, 5000, 'two tls messages');
    expect(await series('syslog_messages_parsed_total{format="rfc5424"}')).toBe(2);
  });

  it('refuses a client whose certificate it does not trust, counting a failed handshake', async () => {
    const before = await series('syslog_connections_closed_total{transport="tls",reason="tls_handshake"}');
    await sendTls(certs.stranger, '<13>Oct 11 22:14:15 intruder app: should never arrive\n');
    await eventually(async () => (await series('syslog_connections_closed_total{transport="tls",reason="tls_handshake"}')) > before, 5000, 'handshake failure counted');
    expect(await series('syslog_messages_received_total{transport="tls"}')).toBe(2);
    expect(await series('syslog_connections_open{transport="tls"}')).toBe(0);
  });
});

describe('UDP allowlist', () => {
  it('drops and counts datagrams from senders outside the allowlist', async () => {
    const socket = createSocket('udp4');
    await new Promise<void>((r) => socket.send('<13>Oct 11 22:14:15 lan app: from loopback', app.ports.get('udp-walled')!, '127.0.0.1', () => r()));
    socket.close();
    await eventually(async () => (await series('syslog_messages_dropped_total{transport="udp",reason="denied"}')) === 1, 5000, 'denied drop');
    expect(await series('syslog_messages_received_total{transport="udp"}')).toBe(0);
  });
});
