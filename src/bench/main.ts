/**
 * `npm run bench`: the appliance against rsyslog and a bare Node counter on loopback, driven by a separate sender
 * process; then the tracked-keys phase (keys-phase.ts).
 * Prints a Markdown report on stdout (progress goes to stderr); --json FILE saves the raw results.
 * Every child process is stopped at the end, on error and on SIGINT/SIGTERM; a watchdog bounds the whole run.
 */
import { writeFileSync } from 'node:fs';
import { killAllChildrenNow, stopAllChildren } from '../harness/children.js';
import { keysPhase, type KeysPhaseResult } from './keys-phase.js';
import { parseOptions, RECEIVERS, USAGE } from './options.js';
import { machineInfo, pinProcess, readRmemMax, sampleCpuBusyCores, writeRmemMax } from './proc.js';
import type { ReceiverKind } from './receiver.js';
import { applyNice, benchReceiver } from './receiver-run.js';
import { renderReport } from './report.js';
import type { BenchOptions, BenchResults, Pinning, ReceiverResult } from './results.js';
import { SenderProcess } from './sender-process.js';
import { ForeignCpuMonitor } from './foreign-cpu.js';

/** Set once the run is being torn down early (SIGINT, SIGTERM, --timeout): later errors are just the fallout. */
let aborting = false;

/** The benchmark's own processes, left out of the "other processes' CPU" watch. */
const ownPids = new Set<number>([process.pid]);

const progress = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

async function main(argv: readonly string[]): Promise<number> {
  let options: BenchOptions | null;
  try {
    options = parseOptions(argv);
  } catch (err) {
    process.stderr.write(`bench: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (options === null) return 0;
  const o = options;
  const startedAt = new Date();
  const rmemBefore = readRmemMax();
  let rmemRestore: number | null = null;
  let finished = false;

  const cleanup = async (): Promise<void> => {
    await stopAllChildren();
    if (rmemRestore !== null) {
      try {
        writeRmemMax(rmemRestore);
        progress(`net.core.rmem_max restored to ${rmemRestore}`);
      } catch (err) {
        progress(`could not restore net.core.rmem_max to ${rmemRestore}: ${(err as Error).message}`);
      }
      rmemRestore = null;
    }
  };
  const abort = (why: string, code: number): void => {
    if (finished) return;
    finished = true;
    aborting = true;
    progress(`bench: ${why}; stopping child processes`);
    void cleanup().finally(() => process.exit(code));
  };
  process.once('SIGINT', () => abort('interrupted', 130));
  process.once('SIGTERM', () => abort('terminated', 143));
  process.once('exit', killAllChildrenNow);
  const watchdog = setTimeout(() => abort(`timed out after ${o.timeoutSeconds} s (--timeout)`, 1), o.timeoutSeconds * 1000);

  try {
    if (o.tuneRmem && rmemBefore !== null && rmemBefore < o.rcvbufBytes) {
      writeRmemMax(o.rcvbufBytes);
      rmemRestore = rmemBefore;
      progress(`net.core.rmem_max raised from ${rmemBefore} to ${o.rcvbufBytes} for this run (--tune-rmem)`);
    }
    const machine = machineInfo();
    const busyBefore = await sampleCpuBusyCores(1000);
    progress(`background CPU use before the run: ${busyBefore?.toFixed(2) ?? '?'} cores`);
    progress(`machine: ${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}, ${machine.kernel}, rmem_max ${machine.rmemMaxBytes}`);
    // A receiver that cannot run here (rsyslogd not installed) is skipped with its reason, before anything starts.
    const selected: ReceiverKind[] = [];
    const unavailable: { id: string; reason: string }[] = [];
    for (const kind of RECEIVERS.filter((r) => o.receivers.includes(r.id))) {
      const reason = (await kind.unavailable?.()) ?? null;
      if (reason === null) selected.push(kind);
      else {
        unavailable.push({ id: kind.id, reason });
        progress(`skipping ${kind.id}: ${reason}`);
      }
    }
    if (selected.length === 0) throw new Error('no receiver to run (every one asked for was skipped)');
    const { sender, info } = await SenderProcess.start();
    ownPids.add(sender.pid);
    applyNice(o, sender.pid, 'the sender');
    applyNice(o, process.pid, 'the orchestrator');
    const foreign = new ForeignCpuMonitor(() => ownPids);
    foreign.start();
    progress(`sender: pid ${sender.pid}, ${info.distinctMessages} distinct messages, mean ${info.meanBytes.toFixed(0)} bytes`);

    // Sender (with this mostly idle orchestrator) on CPU 0, receiver on CPU 1: otherwise the scheduler's
    // wake-affine placement keeps putting the receiver on the sender's CPU and both run at half speed.
    let pinning: Pinning | null = null;
    let pinningNote: string | null = null;
    if (!o.pin) pinningNote = 'not pinned (--no-pin)';
    else if (machine.cores < 2) pinningNote = 'not pinned (fewer than 2 CPUs)';
    else if (!pinProcess(sender.pid, '0') || !pinProcess(process.pid, '0')) pinningNote = 'not pinned (taskset missing or refused)';
    else pinning = { sender: '0', orchestrator: '0', receiver: '1' };
    progress(pinning === null ? (pinningNote ?? '') : 'pinned: sender + orchestrator on CPU 0, receiver on CPU 1');

    const receivers: ReceiverResult[] = [];
    const ctx = { ownPids, progress };
    for (const kind of selected) {
      progress(`--- ${kind.id} ---`);
      receivers.push(await benchReceiver(kind, sender, o, pinning, ctx));
    }
    await sender.stop();
    let keys: KeysPhaseResult[] = [];
    if (o.keys > 0 && o.receivers.includes('appliance-rules')) {
      progress(`--- tracked keys: ${o.keys.toLocaleString('en-US')} hosts ---`);
      keys = await keysPhase({
        hosts: o.keys,
        udpReceiveBufferBytes: o.rcvbufBytes,
        nodeArgs: o.applianceNodeArgs,
        cpu: pinning?.receiver ?? null,
        nice: o.nice,
        log: progress,
        onPid: (pid) => ownPids.add(pid),
      });
    }
    const foreignCpu = foreign.stop();
    progress(`other processes used ${foreignCpu.cpuSeconds.toFixed(1)} CPU-s during the run (${foreignCpu.averageCores.toFixed(2)} cores on average)`);
    const busyAfter = await sampleCpuBusyCores(1000);
    progress(`background CPU use after the run: ${busyAfter?.toFixed(2) ?? '?'} cores`);

    const results: BenchResults = {
      startedAt: startedAt.toISOString(),
      durationSeconds: (Date.now() - startedAt.getTime()) / 1000,
      machine: { ...machine, rmemMaxBytes: rmemBefore },
      options: o,
      rmem: { before: rmemBefore, during: machine.rmemMaxBytes, tuned: rmemRestore !== null },
      sender: { ...info, pid: sender.pid },
      pinning,
      pinningNote,
      backgroundBusyCores: { before: busyBefore, after: busyAfter },
      foreignCpu,
      receivers,
      skipped: unavailable,
      keysPhase: keys,
    };
    if (finished) return 1;
    process.stdout.write(renderReport(results));
    if (o.json !== null) {
      writeFileSync(o.json, `${JSON.stringify(results, null, 2)}\n`);
      progress(`raw results written to ${o.json}`);
    }
    return 0;
  } finally {
    clearTimeout(watchdog);
    if (!finished) {
      finished = true;
      await cleanup();
    }
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  async (err: unknown) => {
    if (!aborting) process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    await stopAllChildren();
    process.exitCode = 1;
  },
);
