/**
 * The rsyslog column's configuration, as RainerScript text: rsyslog's usual setup for this job (imudp + imtcp
 * into one ruleset through the main queue, an omfile action for the lines that match a filter), loopback only,
 * no system sockets (no imuxsock, no imklog), and impstats writing its counters as JSON to a file once a second.
 */
import path from 'node:path';
import { INVALID_USER_TEXT } from './messages.js';

export interface RsyslogFiles {
  /** The temporary directory everything lives in (config, work dir, outputs). */
  readonly dir: string;
  readonly workDir: string;
  /** impstats output: one `<ctime>: {json}` line per counter object, every interval. */
  readonly statsFile: string;
  /** What the filter's omfile action writes. */
  readonly matchesFile: string;
  /** imtcp writes the port it bound (port 0 = the kernel picks) here. */
  readonly tcpPortFile: string;
  /** rsyslogd's own messages (start, errors, the UDP buffer it got). */
  readonly internalFile: string;
  readonly pidFile: string;
  readonly configFile: string;
}

export function rsyslogFiles(dir: string): RsyslogFiles {
  return {
    dir,
    workDir: path.join(dir, 'work'),
    statsFile: path.join(dir, 'stats.json'),
    matchesFile: path.join(dir, 'invalid-user.log'),
    tcpPortFile: path.join(dir, 'tcp.port'),
    internalFile: path.join(dir, 'internal.log'),
    pidFile: path.join(dir, 'rsyslogd.pid'),
    configFile: path.join(dir, 'rsyslog.conf'),
  };
}

export interface RsyslogConfigOptions {
  readonly files: RsyslogFiles;
  /** imudp has no port file, so its port is picked beforehand (a free one, retried on conflict). */
  readonly udpPort: number;
  /** SO_RCVBUF for the UDP socket (rsyslog's rcvbufSize; as root it is forced past net.core.rmem_max). */
  readonly udpReceiveBufferBytes: number;
  /** impstats interval, whole seconds (rsyslog's smallest is 1). */
  readonly statsIntervalSeconds: number;
}

/** A RainerScript string literal: backslash and double quote escaped. */
function quoted(text: string): string {
  if (/[\n\r\0]/.test(text)) throw new Error(`rsyslog config: ${JSON.stringify(text)} contains a line break or NUL`);
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** The whole config file. */
export function rsyslogConfig(o: RsyslogConfigOptions): string {
  const f = o.files;
  if (!Number.isInteger(o.udpPort) || o.udpPort < 1 || o.udpPort > 65535) throw new Error(`rsyslog config: UDP port ${o.udpPort} is not 1-65535`);
  if (!Number.isInteger(o.udpReceiveBufferBytes) || o.udpReceiveBufferBytes < 1) throw new Error(`rsyslog config: rcvbufSize ${o.udpReceiveBufferBytes} is not a positive integer`);
  if (!Number.isInteger(o.statsIntervalSeconds) || o.statsIntervalSeconds < 1) throw new Error(`rsyslog config: impstats interval ${o.statsIntervalSeconds} is not a whole number of seconds`);
  return [
    '# written by the benchmark (src/bench/rsyslog-config.ts): loopback only, no imuxsock, no imklog',
    `global(workDirectory=${quoted(f.workDir)} processInternalMessages="on")`,
    `module(load="impstats" interval="${o.statsIntervalSeconds}" format="json" log.syslog="off" log.file=${quoted(f.statsFile)} resetCounters="off")`,
    'module(load="imudp")',
    'module(load="imtcp")',
    `input(type="imudp" address="127.0.0.1" port="${o.udpPort}" rcvbufSize="${o.udpReceiveBufferBytes}" ruleset="bench")`,
    `input(type="imtcp" address="127.0.0.1" port="0" listenPortFileName=${quoted(f.tcpPortFile)} ruleset="bench")`,
    'ruleset(name="bench") {',
    `  if $msg contains ${quoted(INVALID_USER_TEXT)} then action(type="omfile" file=${quoted(f.matchesFile)})`,
    '}',
    // Everything outside the bench ruleset is rsyslogd's own messages.
    `*.* action(type="omfile" file=${quoted(f.internalFile)})`,
    '',
  ].join('\n');
}

/**
 * The UDP receive buffer rsyslogd reports in its own messages ("socket N, actual os socket rcvbuf size M"),
 * as the usable half (Linux reports twice what datagrams can use); null when it did not say.
 */
export function usableRcvbufFromInternalLog(text: string): number | null {
  const m = /actual os socket rcvbuf size (\d+)/.exec(text);
  return m === null ? null : Math.floor(Number(m[1]) / 2);
}
