/**
 * The rsyslog column: a real rsyslogd in the foreground (`-n -i <pid> -f <conf>`) with its own config, work
 * directory and pid file in a temporary directory (rsyslog-config.ts): imudp and imtcp on loopback into one
 * ruleset that writes the "Invalid user" lines to a file. What arrived is counted from impstats' JSON file
 * (imudp/imtcp `submitted`, written once a second); kernel drops show up as sent − counted, as for every column.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { promisify } from 'node:util';
import { hasExited, stopChild, track } from '../harness/children.js';
import { sleep } from './clock.js';
import { freeUdpPort } from './free-port.js';
import { benchCounters, ImpstatsReader, settled, type BenchCounters } from './impstats.js';
import { readRmemMax } from './proc.js';
import type { Receiver, ReceiverCounts, ReceiverKind, ReceiverStartOptions } from './receiver.js';
import { rsyslogConfig, rsyslogFiles, usableRcvbufFromInternalLog, type RsyslogFiles } from './rsyslog-config.js';
import { findRsyslogd, RSYSLOGD_CANDIDATES, type RsyslogdBinary } from './rsyslogd-binary.js';

const run = promisify(execFile);
const STATS_INTERVAL_SECONDS = 1;
const START_TIMEOUT_MS = 15_000;
/** rsyslogd drains its queue on SIGTERM; after this it is killed. */
const STOP_GRACE_MS = 5_000;
/** counts() gives up waiting for the counters to stop changing after this long and returns the latest. */
const SETTLE_TIMEOUT_MS = 15_000;
/** imudp cannot bind port 0 and say which port it got: a free port is picked, and retried on a conflict. */
const UDP_PORT_TRIES = 3;

/** Keeps the last lines of rsyslogd's output, and its internal messages at exit, for error messages. */
class OutputTail {
  readonly #lines: string[] = [];
  #pending = '';
  add(text: string): void {
    this.#pending += text;
    const parts = this.#pending.split('\n');
    this.#pending = parts.pop() ?? '';
    for (const l of parts) {
      this.#lines.push(l);
      if (this.#lines.length > 20) this.#lines.shift();
    }
  }
  text(): string {
    return [...this.#lines, this.#pending].filter((l) => l !== '').join('\n') || '(none)';
  }
  #internalAtExit = '';
  keepInternal(text: string): void {
    this.#internalAtExit = text;
  }
  /** rsyslogd's internal-messages file as it was when the process exited (the file goes with its directory). */
  get internalAtExit(): string {
    return this.#internalAtExit;
  }
}

class RsyslogReceiver implements Receiver {
  readonly streamFramings = ['lf', 'octet'] as const;
  readonly countTiming = 'settled';
  readonly tcpPort: number;
  readonly #child: ChildProcess;
  readonly #files: RsyslogFiles;
  readonly #tail: OutputTail;
  readonly #reader = new ImpstatsReader();
  readonly #decoder = new StringDecoder('utf8');
  #statsOffset = 0;
  /** counts() calls that gave up waiting for the counters to stop changing. */
  #unsettledReads = 0;
  #stopped: Promise<void> | null = null;
  #rcvbuf: number | null = null;

  constructor(
    readonly name: string,
    child: ChildProcess,
    files: RsyslogFiles,
    tail: OutputTail,
    readonly udpPort: number,
  ) {
    this.#child = child;
    this.#files = files;
    this.#tail = tail;
    this.tcpPort = Number.parseInt(readFileSync(files.tcpPortFile, 'utf8'), 10);
  }

  /** From rsyslogd's own message about the socket, which its internal-messages action writes soon after start. */
  get udpReceiveBufferBytes(): number | null {
    this.#rcvbuf ??= usableRcvbufFromInternalLog(readText(this.#files.internalFile));
    return this.#rcvbuf;
  }

  get pid(): number {
    return this.#child.pid ?? -1;
  }

  /** Reads what impstats appended since the last call. */
  #poll(): void {
    if (!existsSync(this.#files.statsFile)) return;
    const fd = openSync(this.#files.statsFile, 'r');
    try {
      const buf = Buffer.allocUnsafe(64 * 1024);
      for (;;) {
        const n = readSync(fd, buf, 0, buf.length, this.#statsOffset);
        if (n <= 0) break;
        this.#statsOffset += n;
        this.#reader.push(this.#decoder.write(buf.subarray(0, n)));
      }
    } finally {
      closeSync(fd);
    }
  }

  /** The latest complete snapshot's counters (rsyslog may still be working). */
  latestCounters(): BenchCounters | null {
    this.#poll();
    const s = this.#reader.snapshots;
    return s.length === 0 ? null : benchCounters(s[s.length - 1]!, this.udpPort);
  }

  /**
   * Waits for a snapshot written after this call that equals the one before it with the main queue empty:
   * everything sent before the call has been counted and processed. Bounded by SETTLE_TIMEOUT_MS.
   */
  async settledCounters(): Promise<BenchCounters> {
    this.#poll();
    const firstNew = this.#reader.started;
    const deadline = Date.now() + SETTLE_TIMEOUT_MS;
    for (;;) {
      this.#poll();
      const s = this.#reader.snapshots;
      if (s.length > firstNew && s.length >= 2) {
        const last = benchCounters(s[s.length - 1]!, this.udpPort);
        if (settled(benchCounters(s[s.length - 2]!, this.udpPort), last)) return last;
        if (Date.now() > deadline) {
          this.#unsettledReads++;
          return last;
        }
      }
      if (hasExited(this.#child)) throw new Error(`rsyslogd exited during the run (${this.#child.exitCode ?? this.#child.signalCode})\n${this.#diagnostics()}`);
      if (Date.now() > deadline + 5_000) throw new Error(`rsyslogd wrote no impstats snapshot for ${(SETTLE_TIMEOUT_MS + 5_000) / 1000} s\n${this.#diagnostics()}`);
      await sleep(50);
    }
  }

  async counts(): Promise<ReceiverCounts> {
    const c = await this.settledCounters();
    return { udp: c.udp, tcp: c.tcp };
  }

  latency(): Promise<null> {
    return Promise.resolve(null);
  }

  async details(): Promise<Record<string, number>> {
    const c = await this.settledCounters();
    const out: Record<string, number> = {
      invalid_user_lines_written: countLines(this.#files.matchesFile),
      counted_udp: c.udp,
      counted_tcp: c.tcp,
      main_queue_max_size: c.queueMaxSize,
      main_queue_discarded: c.queueDiscarded,
      impstats_snapshots: this.#reader.snapshots.length,
      impstats_unsettled_reads: this.#unsettledReads,
    };
    if (c.maxRssBytes !== null) out.rsyslogd_maxrss_bytes = c.maxRssBytes;
    if (this.#reader.skippedLines > 0) out.impstats_skipped_lines = this.#reader.skippedLines;
    return out;
  }

  #diagnostics(): string {
    const internal = readText(this.#files.internalFile) || this.#tail.internalAtExit;
    return `--- rsyslogd stdout/stderr ---\n${this.#tail.text()}\n--- rsyslogd internal messages ---\n${internal || '(none)'}`;
  }

  stop(): Promise<void> {
    this.#stopped ??= stopChild(this.#child, STOP_GRACE_MS);
    return this.#stopped;
  }
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function countLines(file: string): number {
  const text = readText(file);
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** rsyslogd -N1: a config error is reported before anything starts. */
async function checkConfig(binary: RsyslogdBinary, files: RsyslogFiles): Promise<void> {
  try {
    await run(binary.path, ['-N1', '-f', files.configFile], { timeout: 15_000 });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; code?: unknown };
    throw new Error(`rsyslogd -N1 rejected the bench config (exit ${String(e.code)}):\n${e.stdout ?? ''}${e.stderr ?? ''}\n${readText(files.configFile)}`);
  }
}

type Attempt = { ok: true; receiver: RsyslogReceiver } | { ok: false; portConflict: boolean; why: string };

async function startOnce(binary: RsyslogdBinary, options: ReceiverStartOptions, udpPort: number): Promise<Attempt> {
  const files = rsyslogFiles(mkdtempSync(path.join(os.tmpdir(), 'syslog-sentinel-bench-rsyslog-')));
  mkdirSync(files.workDir);
  // As root rsyslogd forces its buffer past net.core.rmem_max (SO_RCVBUFFORCE); the Node receivers cannot, so it
  // asks for what they get: the same usable buffer in every column.
  const rmemMax = readRmemMax();
  const rcvbuf = rmemMax === null ? options.udpReceiveBufferBytes : Math.min(options.udpReceiveBufferBytes, rmemMax);
  writeFileSync(files.configFile, rsyslogConfig({ files, udpPort, udpReceiveBufferBytes: rcvbuf, statsIntervalSeconds: STATS_INTERVAL_SECONDS }));
  try {
    await checkConfig(binary, files);
  } catch (err) {
    rmSync(files.dir, { recursive: true, force: true });
    throw err;
  }
  const child = spawn(binary.path, ['-n', '-i', files.pidFile, '-f', files.configFile], { cwd: files.dir, stdio: ['ignore', 'pipe', 'pipe'] });
  track(child);
  const tail = new OutputTail();
  // The directory goes with the process, however it ends (stop, failed start, SIGINT, a crash); its own
  // messages are kept for the error report.
  child.once('exit', () => {
    tail.keepInternal(readText(files.internalFile));
    rmSync(files.dir, { recursive: true, force: true });
  });
  let spawnError: Error | null = null;
  child.once('error', (err) => (spawnError = err));
  child.stdout!.setEncoding('utf8').on('data', (t: string) => tail.add(t));
  child.stderr!.setEncoding('utf8').on('data', (t: string) => tail.add(t));

  const name = `${binary.version.replace(/^rsyslogd /, 'rsyslog ').replace(/ \(aka [^)]*\)/, '')} (filter + omfile)`;
  const deadline = Date.now() + START_TIMEOUT_MS;
  let rx: RsyslogReceiver | null = null;
  while (Date.now() < deadline) {
    if (spawnError !== null || hasExited(child)) break;
    if (rx === null && existsSync(files.tcpPortFile) && Number.parseInt(readText(files.tcpPortFile), 10) > 0) rx = new RsyslogReceiver(name, child, files, tail, udpPort);
    const c = rx?.latestCounters() ?? null;
    if (rx !== null && c !== null && c.tcpListening) {
      if (c.udpListening) return { ok: true, receiver: rx };
      const why = `imudp did not bind 127.0.0.1:${udpPort}\n${tail.text()}`;
      await stopChild(child, STOP_GRACE_MS);
      return { ok: false, portConflict: true, why };
    }
    await sleep(50);
  }
  const why =
    spawnError !== null
      ? `could not start ${binary.path}: ${(spawnError as Error).message}`
      : hasExited(child)
        ? `rsyslogd exited during start (${child.exitCode ?? child.signalCode})`
        : `rsyslogd wrote no TCP port file and impstats snapshot within ${START_TIMEOUT_MS / 1000} s`;
  // A process that never started emits no 'exit': there is nothing to stop, and its directory is removed here.
  if (spawnError === null) await stopChild(child, STOP_GRACE_MS);
  const internal = tail.internalAtExit || readText(files.internalFile);
  rmSync(files.dir, { recursive: true, force: true });
  return { ok: false, portConflict: false, why: `${why}\n--- rsyslogd output ---\n${tail.text()}\n--- internal messages ---\n${internal || '(none)'}` };
}

let binaryLookup: Promise<RsyslogdBinary | null> | null = null;
const rsyslogd = (): Promise<RsyslogdBinary | null> => (binaryLookup ??= findRsyslogd());
const NOT_FOUND = `rsyslogd not found (looked for ${RSYSLOGD_CANDIDATES.join(', ')}; on Debian: apt-get install rsyslog, with its service left stopped)`;

export const rsyslogReceiver: ReceiverKind = {
  id: 'rsyslog',
  async unavailable(): Promise<string | null> {
    return (await rsyslogd()) === null ? NOT_FOUND : null;
  },
  async start(options: ReceiverStartOptions): Promise<Receiver> {
    const binary = await rsyslogd();
    if (binary === null) throw new Error(NOT_FOUND);
    const failures: string[] = [];
    for (let i = 0; i < UDP_PORT_TRIES; i++) {
      const attempt = await startOnce(binary, options, await freeUdpPort());
      if (attempt.ok) return attempt.receiver;
      failures.push(attempt.why);
      if (!attempt.portConflict) break;
    }
    throw new Error(`rsyslog receiver did not start:\n${failures.join('\n---\n')}`);
  },
};
