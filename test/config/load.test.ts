import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile, loadConfigText } from '../../src/config/load.js';
import { ConfigError } from '../../src/errors.js';
import { configProblems } from '../helpers/config-problems.js';

const fixture = (name: string) => join(import.meta.dirname, '..', 'fixtures', 'config', name);

describe('loadConfigFile', () => {
  it('compiles the good fixture: defaults filled, durations and sizes in base units, names derived, frozen', () => {
    const config = loadConfigFile(fixture('good.yaml'));
    expect(config.listeners).toHaveLength(2);
    const [udp, tcp] = config.listeners;
    expect(udp).toMatchObject({ protocol: 'udp', name: 'udp:127.0.0.1:5514', receiveBufferBytes: 8 * 1024 * 1024, maxMessageBytes: 65535, allow: ['127.0.0.0/8', '::1'] });
    expect(tcp).toMatchObject({ protocol: 'tcp', maxFrameBytes: 16 * 1024, idleTimeoutMs: 90_000, maxConnections: 512, tls: null, allow: null });
    expect(config.timezone).toBe('Europe/Berlin');
    expect(config.stateDir).toBe(join(import.meta.dirname, '..', 'fixtures', 'config', 'state'));
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.listeners[0])).toBe(true);
  });

  it('loads the shipped default config', () => {
    const config = loadConfigFile(join(import.meta.dirname, '..', '..', 'config', 'default.yaml'));
    expect(config.listeners.map((l) => `${l.protocol}:${l.address}:${l.port}`)).toEqual(['udp:0.0.0.0:514', 'tcp:0.0.0.0:514']);
    expect(config.http).toMatchObject({ address: '127.0.0.1', port: 9514 });
    expect(config.http.api).toMatchObject({ ingest: false, detect: false }); // the HTTP API is off unless turned on
  });

  it('loads the container image config with the same rules as the default one', () => {
    const docker = loadConfigFile(join(import.meta.dirname, '..', '..', 'config', 'docker.yaml'));
    const dflt = loadConfigFile(join(import.meta.dirname, '..', '..', 'config', 'default.yaml'));
    expect(docker.rules.map((r) => r.canonical)).toEqual(dflt.rules.map((r) => r.canonical));
    expect(docker.http).toMatchObject({ address: '0.0.0.0', port: 9514, api: { ingest: false, detect: false } });
  });

  it.each([
    ['bad-unknown-key.yaml', /listeners\.0: Unrecognized key.*colour/],
    ['bad-port-conflict.yaml', /listeners\.1\.port: udp 127\.0\.0\.1:5514 conflicts with listeners\.0/],
    ['bad-duration.yaml', /listeners\.0\.idleTimeout: "soon" is not a duration/],
    ['bad-cidr.yaml', /listeners\.0\.allow\.0: must be an address or CIDR block/],
    ['bad-timezone.yaml', /timezone: must be UTC, an IANA zone/],
    ['bad-yaml.yaml', /YAML:/],
  ])('%s names the fault with its path', (file, pattern) => {
    const problems = configProblems(() => loadConfigFile(fixture(file)));
    expect(problems.join('\n')).toMatch(pattern);
  });

  it('reports unreadable TLS files and a missing CA together', () => {
    const problems = configProblems(() => loadConfigFile(fixture('bad-tls-files.yaml')));
    expect([...problems].sort()).toEqual([
      expect.stringMatching(/^listeners\.0\.ca: clientAuth "require" needs a CA bundle/),
      expect.stringMatching(/^listeners\.0\.cert: cannot read missing\.crt: ENOENT/),
      expect.stringMatching(/^listeners\.0\.key: cannot read missing\.key: ENOENT/),
    ]);
  });

  it('reports every problem at once', () => {
    const problems = configProblems(() =>
      loadConfigText('listeners:\n  - { protocol: udp, port: 99999 }\n  - { protocol: smtp, port: 25 }\nhttp: { port: -1 }\nsurprise: 1\n'),
    );
    expect(problems.length).toBeGreaterThanOrEqual(4);
    expect(problems.join('\n')).toMatch(/listeners\.0\.port/);
    expect(problems.join('\n')).toMatch(/listeners\.1\.protocol/);
    expect(problems.join('\n')).toMatch(/http\.port/);
    expect(problems.join('\n')).toMatch(/surprise/);
  });

  it('a missing file is a ConfigError, not a crash', () => {
    expect(configProblems(() => loadConfigFile(fixture('nope.yaml')))[0]).toMatch(/cannot read file/);
  });

  it('compiles the rules of the good fixture and the shipped default config', () => {
    expect(loadConfigFile(fixture('good.yaml')).rules.map((r) => [r.name, r.type, r.preset])).toEqual([
      ['ssh_invalid_user', 'threshold', 'sshd-invalid-user'],
      ['ssh_user_enumeration', 'threshold', 'sshd-auth-failure'],
      ['keywords', 'keyword', null],
    ]);
    const rules = loadConfigFile(join(import.meta.dirname, '..', '..', 'config', 'default.yaml')).rules;
    expect(rules.map((r) => [r.name, r.type, r.groupBy, r.resolveAfterMs])).toEqual([
      ['ssh_invalid_user', 'threshold', ['host'], 300_000],
      ['keywords', 'keyword', ['host'], 600_000],
    ]);
  });

  it.each([
    ['bad-rule-unsafe-regex.yaml', /^rules\.0\.match\.message: unsafe pattern: nested repetition/],
    ['bad-rule-groupby.yaml', /^rules\.0\.groupBy: "usr" is neither a message field nor a named capture/],
  ])('%s names the rule fault with its path', (file, pattern) => {
    expect(configProblems(() => loadConfigFile(fixture(file)))).toEqual([expect.stringMatching(pattern)]);
  });

  it('reports rule problems together with the rest of the file', () => {
    const text = 'listeners: [{ protocol: udp, port: 99999 }]\nrules: [{ type: keyword, name: kw }, { name: Bad, preset: sshd-invalid-user }]\n';
    expect(configProblems(() => loadConfigText(text))).toEqual([
      expect.stringMatching(/^listeners\.0\.port/),
      'rules.0.keywords: a keyword rule needs at least one keyword or pattern',
      expect.stringMatching(/^rules\.1\.name: must be/),
    ]);
  });

  it('substitutes ${VAR} from the environment and reports missing variables with their path', () => {
    const text = 'listeners: [{ protocol: udp, port: 5514, name: "${NAME}" }]\nstateDir: "$${literal}/${DIR}"\n';
    const config = loadConfigText(text, { env: { NAME: 'edge', DIR: 'var' } });
    expect(config.listeners[0]!.name).toBe('edge');
    expect(config.stateDir.endsWith('${literal}/var')).toBe(true);
    expect(configProblems(() => loadConfigText(text, { env: { NAME: 'edge' } }))).toEqual(['stateDir: environment variable DIR is not set']);
  });

  it('--port moves udp and tcp listeners, keeping tls where it is', () => {
    const config = loadConfigFile(join(import.meta.dirname, '..', '..', 'config', 'default.yaml'), { portOverride: 5514 });
    expect(config.listeners.map((l) => l.port)).toEqual([5514, 5514]);
  });

  it('a dual-stack :: listener conflicts with 0.0.0.0 on the same port, but udp and tcp may share a port', () => {
    expect(configProblems(() => loadConfigText('listeners: [{ protocol: tcp, address: "::", port: 514 }, { protocol: tcp, port: 514 }]')).join()).toMatch(/conflicts/);
    expect(() => loadConfigText('listeners: [{ protocol: udp, port: 514 }, { protocol: tcp, port: 514 }]')).not.toThrow();
    expect(() => loadConfigText('listeners: [{ protocol: tcp, address: 127.0.0.1, port: 514 }, { protocol: tcp, address: 127.0.0.2, port: 514 }]')).not.toThrow();
  });
});

describe('alerting', () => {
  it('rejects a gcSchedule node-cron cannot run', () => {
    expect(() => loadConfigText('listeners: [{ protocol: udp, port: 1 }]\nalerting: { gcSchedule: "every tuesday" }\n')).toThrow(/alerting\.gcSchedule: must be a cron expression/);
    expect(loadConfigText('listeners: [{ protocol: udp, port: 1 }]\nalerting: { gcSchedule: "0 3 * * *", updateInterval: 30s }\n').alerting).toMatchObject({ gcSchedule: '0 3 * * *', updateIntervalMs: 30_000 });
  });
});
