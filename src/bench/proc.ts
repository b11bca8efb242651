/** What the benchmark reads from /proc and the machine: UDP drops, rmem_max, CPU model, CPU time; pinning and nice. */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';

const RMEM_MAX = '/proc/sys/net/core/rmem_max';

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/**
 * The kernel's receive-buffer drop counter for the UDP socket bound to this local port (sum over
 * /proc/net/udp and udp6), or null when there is no such socket.
 */
export function readUdpDrops(port: number): number | null {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  let found = false;
  let drops = 0;
  for (const file of ['/proc/net/udp', '/proc/net/udp6']) {
    const text = readText(file);
    if (text === null) continue;
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      const local = cols[1];
      if (local === undefined || !local.endsWith(`:${hexPort}`)) continue;
      const d = Number(cols[cols.length - 1]);
      if (Number.isFinite(d)) {
        found = true;
        drops += d;
      }
    }
  }
  return found ? drops : null;
}

export function readRmemMax(): number | null {
  const t = readText(RMEM_MAX);
  const n = t === null ? Number.NaN : Number(t.trim());
  return Number.isFinite(n) ? n : null;
}

/** Sets net.core.rmem_max (root only): `sysctl -w`, falling back to writing /proc/sys directly. */
export function writeRmemMax(bytes: number): void {
  try {
    execFileSync('sysctl', ['-w', `net.core.rmem_max=${bytes}`], { stdio: 'ignore' });
  } catch {
    writeFileSync(RMEM_MAX, `${bytes}\n`);
  }
  const now = readRmemMax();
  if (now !== bytes) throw new Error(`could not set net.core.rmem_max to ${bytes} (it is ${now ?? 'unreadable'})`);
}

export interface MachineInfo {
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryBytes: number;
  readonly node: string;
  readonly kernel: string;
  readonly rmemMaxBytes: number | null;
  readonly rmemDefaultBytes: number | null;
}

export function machineInfo(): MachineInfo {
  const cpuinfo = readText('/proc/cpuinfo') ?? '';
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown';
  const rmemDefault = readText('/proc/sys/net/core/rmem_default');
  return {
    cpuModel: model,
    cores: os.availableParallelism(),
    memoryBytes: os.totalmem(),
    node: process.version,
    kernel: `${os.type()} ${os.release()}`,
    rmemMaxBytes: readRmemMax(),
    rmemDefaultBytes: rmemDefault === null ? null : Number(rmemDefault.trim()),
  };
}

/**
 * Restricts every thread of a running process (and the threads it creates later) to the given CPU list, with
 * util-linux `taskset -a -p`. Returns false when taskset is missing or refuses.
 */
export function pinProcess(pid: number, cpuList: string): boolean {
  try {
    execFileSync('taskset', ['-a', '-p', '-c', cpuList, String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function cpuTimes(): { busy: number; total: number } | null {
  const line = readText('/proc/stat')?.split('\n')[0];
  if (line === undefined || !line.startsWith('cpu ')) return null;
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal ...
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  const total = v.slice(0, 8).reduce((s, x) => s + x, 0);
  return { busy: total - idle, total };
}

/**
 * How many cores' worth of CPU the machine used over `ms` (from /proc/stat), e.g. 0.9 when another process
 * keeps one core busy. Taken while the benchmark itself is idle, it shows whether the machine is quiet.
 */
export async function sampleCpuBusyCores(ms: number): Promise<number | null> {
  const a = cpuTimes();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const b = cpuTimes();
  if (a === null || b === null || b.total === a.total) return null;
  return ((b.busy - a.busy) / (b.total - a.total)) * os.availableParallelism();
}

let clockTicks: number | null = null;

/** USER_HZ: the unit of the CPU and start times in /proc/PID/stat. */
export function clockTicksPerSecond(): number {
  if (clockTicks === null) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

export interface ProcStat {
  /** The command name (in parentheses in the file; it may contain spaces). */
  readonly command: string;
  readonly ppid: number;
  /** When the process started, in clock ticks since boot. */
  readonly starttimeTicks: number;
  /** CPU time (user + system, all threads) used so far, in seconds. */
  readonly cpuSeconds: number;
}

/** The fields of /proc/PID/stat the benchmark uses; null when the process is gone. */
export function readProcStat(pid: number): ProcStat | null {
  const stat = readText(`/proc/${pid}/stat`);
  if (stat === null) return null;
  const open = stat.indexOf('(');
  const close = stat.lastIndexOf(')');
  // Fields after the parenthesised command name: state is field 3, ppid 4, utime 14, stime 15, starttime 22.
  const rest = stat.slice(close + 2).split(' ');
  return {
    command: stat.slice(open + 1, close),
    ppid: Number(rest[1]),
    starttimeTicks: Number(rest[19]),
    cpuSeconds: (Number(rest[11]) + Number(rest[12])) / clockTicksPerSecond(),
  };
}

/** CPU time (user + system, all threads) a process has used so far, in seconds; null when it is gone. */
export function readCpuSeconds(pid: number): number | null {
  return readProcStat(pid)?.cpuSeconds ?? null;
}

/**
 * Sets the nice value of every thread of a process (Linux applies setpriority per thread; threads created
 * later inherit it from their creator). Negative values need root. False when renice is missing or refuses.
 */
export function reniceProcess(pid: number, nice: number): boolean {
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return false;
  }
  try {
    execFileSync('renice', ['-n', String(nice), '-p', ...tids], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
