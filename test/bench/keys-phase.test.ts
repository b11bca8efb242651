import { describe, expect, it } from 'vitest';
import { defaultRules } from '../../src/harness/default-rules.js';
import { KEYS_RULE, keysPhaseLines, maxKeysOf, rulesWithMaxKeys } from '../../src/bench/keys-phase.js';
import { loadConfigText } from '../../src/config/load.js';
import { Detector } from '../../src/detect/detector.js';
import { parseSyslog } from '../../src/parse/syslog.js';

describe('keysPhaseLines', () => {
  it('is one LF-framed sshd "Invalid user" line per distinct host', () => {
    const lines = keysPhaseLines(300).toString('utf8').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(300);
    const hosts = new Set<string>();
    for (const line of lines) {
      const m = parseSyslog(Buffer.from(line), { timezone: 'UTC', now: Date.UTC(2026, 10, 21) });
      expect(m.appname).toBe('sshd');
      expect(m.message).toMatch(/^Invalid user admin from 198\.1[89]\.\d+\.\d+ port \d+$/);
      hosts.add(m.hostname ?? '');
    }
    expect(hosts.size).toBe(300);
  });
});

describe('the lines against the default rules', () => {
  it('each line is a new ssh_invalid_user key; the shipped cap evicts beyond maxKeys, the raised one holds them all', () => {
    const hosts = 300;
    const data = keysPhaseLines(hosts);
    const run = (rules: unknown[]) => {
      const config = loadConfigText(JSON.stringify({ listeners: [{ protocol: 'tcp', port: 5514 }], rules }));
      const detector = new Detector({ rules: config.rules, onSignal: () => undefined });
      const now = Date.UTC(2026, 10, 21, 18, 57);
      for (const line of data.toString('utf8').split('\n').filter((l) => l !== '')) {
        const bytes = Buffer.from(line);
        const syslog = parseSyslog(bytes, { timezone: 'UTC', now });
        const frame = { bytes, receivedAt: now, receivedMono: 0, transport: 'tcp' as const, remoteAddress: '127.0.0.1', remotePort: 40000, listener: 'l' };
        detector.process({ frame, syslog, host: syslog.hostname ?? frame.remoteAddress });
      }
      return detector.stats().find((r) => r.rule === KEYS_RULE)!;
    };
    // A cap below the number of hosts, as the shipped 10,000 is below the phase's 100,000.
    const capped = run(defaultRules().map((r) => ({ ...(r as object), maxKeys: 100 })));
    expect(capped).toMatchObject({ matches: hosts, trackedKeys: 100, evictions: hosts - 100 });
    const raised = run(rulesWithMaxKeys(defaultRules(), hosts));
    expect(raised).toMatchObject({ matches: hosts, trackedKeys: hosts, evictions: 0 });
  });
});

describe('the default rules and their caps', () => {
  it('ssh_invalid_user has a maxKeys; raising it sets every rule to at least that many keys', () => {
    const shipped = defaultRules();
    const cap = maxKeysOf(shipped, KEYS_RULE);
    expect(cap).toBeGreaterThan(0);
    const raised = rulesWithMaxKeys(shipped, 100_000);
    expect(maxKeysOf(raised, KEYS_RULE)).toBe(Math.max(100_000, cap!));
    expect(maxKeysOf(shipped, 'no_such_rule')).toBeNull();
  });
});
