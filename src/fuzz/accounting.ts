/**
 * Is every sent frame accounted for? Pure comparisons of what was sent (and what that must produce) with what the
 * appliance's metrics say; each returns the problems found, in words, empty when all is accounted for.
 *
 * UDP, exactly per datagram: every datagram sent is received, dropped (empty, oversize, denied) or dropped by
 * the kernel: for each outcome the appliance may count fewer than expected, never more, and the shortfalls add
 * up to the kernel's drop count. With no kernel drops, received bytes match to the byte.
 *
 * TCP, exactly per stream: frames and their bytes, and drops by reason, equal what the framer gives for the bytes
 * each connection wrote (stream-model.ts), plus the fixed counts of the slowloris, cap and denied phases. Every
 * connection opened is closed (none left open), by FIN as eof, reset as eof or error (the kernel may report a
 * reset as an end of stream when bytes were still queued), slowloris as idle_timeout.
 */
import { DROP_REASONS, type CloseReason } from '../ingest/types.js';
import { dropsOf, type IngestSnapshot } from './observed.js';
import { addDrops, type DropCounts } from './stream-model.js';
import type { TcpTally } from './tcp-sender.js';
import type { UdpOutcome, UdpTally } from './udp-sender.js';

export interface TcpExpectation {
  readonly frames: number;
  readonly frameBytes: number;
  readonly drops: DropCounts;
  /** Connections the appliance accepts (refused ones are drops). */
  readonly connections: number;
  /** Ended by our FIN: closed as eof. */
  readonly finConnections: number;
  /** Reset by us: eof or error. */
  readonly rstConnections: number;
  readonly idleTimeouts: number;
}

export const NO_TCP: TcpExpectation = { frames: 0, frameBytes: 0, drops: {}, connections: 0, finConnections: 0, rstConnections: 0, idleTimeouts: 0 };

export function addExpectations(a: TcpExpectation, b: TcpExpectation): TcpExpectation {
  return {
    frames: a.frames + b.frames,
    frameBytes: a.frameBytes + b.frameBytes,
    drops: addDrops(a.drops, b.drops),
    connections: a.connections + b.connections,
    finConnections: a.finConnections + b.finConnections,
    rstConnections: a.rstConnections + b.rstConnections,
    idleTimeouts: a.idleTimeouts + b.idleTimeouts,
  };
}

/** The main traffic's connections plus the phases'. */
export function tcpExpectation(tally: TcpTally, phases: readonly TcpExpectation[]): TcpExpectation {
  const traffic: TcpExpectation = {
    frames: tally.expected.frames,
    frameBytes: tally.expected.frameBytes,
    drops: tally.expected.drops,
    connections: tally.connections,
    finConnections: tally.endings.fin + tally.endings.fin_mid_frame,
    rstConnections: tally.endings.rst,
    idleTimeouts: 0,
  };
  return phases.reduce(addExpectations, traffic);
}

const UDP_DROP_OUTCOMES = ['empty', 'oversize', 'denied'] as const;

export function udpProblems(sent: UdpTally, seen: IngestSnapshot): string[] {
  const problems: string[] = [];
  const observed: Record<UdpOutcome, number> = {
    received: seen.received.udp,
    empty: dropsOf(seen.drops.udp, 'empty'),
    oversize: dropsOf(seen.drops.udp, 'oversize'),
    denied: dropsOf(seen.drops.udp, 'denied'),
  };
  let shortfall = 0;
  for (const outcome of ['received', ...UDP_DROP_OUTCOMES] as const) {
    const missing = sent.outcomes[outcome] - observed[outcome];
    if (missing < 0) problems.push(`udp ${outcome}: counted ${observed[outcome]}, but only ${sent.outcomes[outcome]} such datagrams were sent`);
    else shortfall += missing;
  }
  for (const reason of DROP_REASONS) {
    if ((UDP_DROP_OUTCOMES as readonly string[]).includes(reason)) continue;
    const n = dropsOf(seen.drops.udp, reason);
    if (n > 0) problems.push(`udp: ${n} drops as ${reason}, a reason UDP cannot have`);
  }
  const kernel = seen.kernelDrops ?? 0;
  if (shortfall !== kernel) {
    problems.push(`udp: ${shortfall} of ${sent.sent} datagrams not counted by the appliance, but the kernel dropped ${seen.kernelDrops ?? 'an unknown number (no syslog_udp_kernel_drops_total)'}`);
  }
  if (shortfall === 0 && seen.bytes.udp !== sent.receivedBytes) problems.push(`udp bytes: received ${seen.bytes.udp}, expected ${sent.receivedBytes}`);
  if (seen.bytes.udp > sent.receivedBytes) problems.push(`udp bytes: received ${seen.bytes.udp}, more than the ${sent.receivedBytes} sent in receivable datagrams`);
  return problems;
}

export function tcpProblems(expected: TcpExpectation, seen: IngestSnapshot): string[] {
  const problems: string[] = [];
  if (seen.received.tcp !== expected.frames) problems.push(`tcp frames: received ${seen.received.tcp}, expected ${expected.frames}`);
  if (seen.bytes.tcp !== expected.frameBytes) problems.push(`tcp bytes: received ${seen.bytes.tcp}, expected ${expected.frameBytes}`);
  for (const reason of DROP_REASONS) {
    const got = dropsOf(seen.drops.tcp, reason);
    const want = dropsOf(expected.drops, reason);
    if (got !== want) problems.push(`tcp drops ${reason}: counted ${got}, expected ${want}`);
  }
  if (seen.connectionsOpened !== expected.connections) problems.push(`tcp connections: ${seen.connectionsOpened} opened, expected ${expected.connections}`);
  if (seen.connectionsOpen !== 0) problems.push(`tcp: ${seen.connectionsOpen} connections still open at the end (left hanging)`);
  const closed = (r: CloseReason): number => seen.closed[r] ?? 0;
  let closedTotal = 0;
  for (const v of Object.values(seen.closed)) closedTotal += v ?? 0;
  if (closedTotal !== seen.connectionsOpened) problems.push(`tcp: ${seen.connectionsOpened} connections opened but ${closedTotal} closed`);
  if (closed('idle_timeout') !== expected.idleTimeouts) problems.push(`tcp idle_timeout closes: ${closed('idle_timeout')}, expected ${expected.idleTimeouts}`);
  if (closed('eof') < expected.finConnections) problems.push(`tcp eof closes: ${closed('eof')}, but ${expected.finConnections} connections ended with FIN`);
  if (closed('eof') + closed('error') !== expected.finConnections + expected.rstConnections) {
    problems.push(`tcp eof+error closes: ${closed('eof') + closed('error')}, expected ${expected.finConnections + expected.rstConnections} (FIN and reset connections)`);
  }
  for (const r of ['tls_handshake', 'shutdown'] as const) if (closed(r) > 0) problems.push(`tcp: ${closed(r)} connections closed as ${r}`);
  return problems;
}
