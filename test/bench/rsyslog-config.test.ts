import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { rsyslogConfig, rsyslogFiles, usableRcvbufFromInternalLog } from '../../src/bench/rsyslog-config.js';
import { findRsyslogd } from '../../src/bench/rsyslogd-binary.js';

const run = promisify(execFile);
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const options = (dir = '/tmp/bench-x') => ({ files: rsyslogFiles(dir), udpPort: 45514, udpReceiveBufferBytes: 4194304, statsIntervalSeconds: 1 });

describe('rsyslogConfig', () => {
  it('has loopback inputs into the bench ruleset, the filter, impstats as asked and no system inputs', () => {
    const text = rsyslogConfig(options());
    expect(text).toContain('input(type="imudp" address="127.0.0.1" port="45514" rcvbufSize="4194304" ruleset="bench")');
    expect(text).toContain('input(type="imtcp" address="127.0.0.1" port="0" listenPortFileName="/tmp/bench-x/tcp.port" ruleset="bench")');
    expect(text).toContain('if $msg contains "Invalid user" then action(type="omfile" file="/tmp/bench-x/invalid-user.log")');
    expect(text).toContain('module(load="impstats" interval="1" format="json" log.syslog="off" log.file="/tmp/bench-x/stats.json" resetCounters="off")');
    expect(text).toContain('global(workDirectory="/tmp/bench-x/work" processInternalMessages="on")');
    expect(text).not.toMatch(/load="im(uxsock|klog)"/);
  });

  it('escapes quotes and backslashes in paths, and refuses line breaks', () => {
    expect(rsyslogConfig(options('/tmp/a"b\\c'))).toContain('file="/tmp/a\\"b\\\\c/invalid-user.log"');
    expect(() => rsyslogConfig(options('/tmp/a\nb'))).toThrow(/line break/);
  });

  it('refuses a port, buffer or interval rsyslog would not take', () => {
    expect(() => rsyslogConfig({ ...options(), udpPort: 0 })).toThrow(/UDP port/);
    expect(() => rsyslogConfig({ ...options(), udpPort: 70000 })).toThrow(/UDP port/);
    expect(() => rsyslogConfig({ ...options(), udpReceiveBufferBytes: 0 })).toThrow(/rcvbufSize/);
    expect(() => rsyslogConfig({ ...options(), statsIntervalSeconds: 0.5 })).toThrow(/whole number/);
  });

  it('is accepted by the real rsyslogd (-N1)', async () => {
    const binary = await findRsyslogd();
    // CI installs rsyslog; a missing rsyslogd is a failure here, as in test/e2e/rsyslog.test.ts.
    expect(binary, 'rsyslogd not found (apt-get install rsyslog)').not.toBeNull();
    const dir = mkdtempSync(join(tmpdir(), 'bench-rsyslog-config-'));
    dirs.push(dir);
    const files = rsyslogFiles(dir);
    mkdirSync(files.workDir);
    writeFileSync(files.configFile, rsyslogConfig({ ...options(), files }));
    const { stdout, stderr } = await run(binary!.path, ['-N1', '-f', files.configFile]);
    expect(`${stdout}${stderr}`).toContain('End of config validation run');
  });
});

describe('usableRcvbufFromInternalLog', () => {
  it('reads the usable half of the buffer rsyslogd reports', () => {
    const log = '2026-11-21T18:58:21.563832+00:00 vm rsyslogd: socket 4, actual os socket rcvbuf size 8388608  [v8.2302.0]\n';
    expect(usableRcvbufFromInternalLog(log)).toBe(4194304);
    expect(usableRcvbufFromInternalLog('rsyslogd: start\n')).toBeNull();
  });
});
