import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface CertificatePair {
  readonly cert: Buffer;
  readonly key: Buffer;
}

export interface TestCertificates {
  /** Self-signed, valid for localhost, 127.0.0.1 and ::1. Clients trust it directly. */
  readonly server: CertificatePair;
  /** Self-signed client certificate; the server trusts it as its own CA. */
  readonly client: CertificatePair;
  /** Self-signed client certificate nobody trusts. */
  readonly stranger: CertificatePair;
}

/** Generates throwaway EC certificates with the openssl CLI (a few tens of ms). */
export function generateTestCertificates(): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'sentinel-tls-'));
  try {
    const make = (name: string, cn: string, extra: string[] = []): CertificatePair => {
      const keyPath = join(dir, `${name}.key`);
      const certPath = join(dir, `${name}.crt`);
      execFileSync(
        'openssl',
        ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
          '-subj', `/CN=${cn}`, '-keyout', keyPath, '-out', certPath, ...extra],
        { stdio: 'pipe' },
      );
      return { cert: readFileSync(certPath), key: readFileSync(keyPath) };
    };
    return {
      server: make('server', 'localhost', ['-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1']),
      client: make('client', 'test-client'),
      stranger: make('stranger', 'stranger'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
