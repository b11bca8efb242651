/**
 * A sender far faster than the pipeline. Over TCP it is paused by backpressure: its writes return false and it
 * waits for 'drain' most of the time, what it wrote all arrives, and the appliance's RSS stays bounded and stops
 * growing. Over UDP (a small receive buffer) the excess is counted, never silently lost: datagrams received plus
 * the kernel's counted drops equal datagrams sent, and RSS stays bounded too.
 */
import dgram from 'node:dgram';
import type net from 'node:net';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { startAppliance, type Appliance } from './appliance.js';
import { applianceYaml } from './appliance-config.js';
import { MiB, mib } from './process-memory.js';
import { RssSampler, type RssSummary } from './rss-sampler.js';
import type { Scenario, ScenarioContext } from './scenario.js';
import { closeSocket, connectTcp, syslogLine, writeWithBackpressure } from './tcp-client.js';
import type { Checks, Figure } from './verdict.js';
import { waitUntil } from './wait-until.js';

const TCP = 'load-tcp';
const UDP = 'load-udp';
/** RSS may rise this much above the idle appliance's under either flood (socket buffers, V8's young generation). */
const RSS_GROWTH_BOUND = 96 * MiB;
/** The highest RSS of the last third of a flood may exceed the first third's by this much: more means still growing. */
const RSS_LATE_GROWTH_BOUND = 32 * MiB;
/** The sender's own buffer before write() returns false; 64 KiB chunks. */
const SENDER_HIGH_WATER = 1 * MiB;
const CHUNK_BYTES = 64 * 1024;
const UDP_IN_FLIGHT = 256;

/** Mostly ordinary lines from 200 hosts; one in 16 an sshd attempt from 50 hosts, so the rules do some work. */
function messageLines(n: number): string[] {
  return Array.from({ length: n }, (_, i) =>
    i % 16 === 0
      ? syslogLine(`bp-${i % 50}`, 'sshd', `Invalid user u${i % 7} from 203.0.113.${i % 250} port ${1024 + i}`)
      : syslogLine(`host-${i % 200}`, i % 3 === 0 ? 'nginx' : 'cron', `GET /api/items/${i} 200 ${i % 9000} bytes in ${i % 90} ms`),
  );
}

interface TcpFigures {
  readonly written: number;
  readonly falseWrites: number;
  readonly drainWaitShare: number;
  readonly received: number;
  readonly msgPerSecond: number;
  readonly rss: RssSummary;
}

async function tcpFlood(app: Appliance, durationMs: number, ctx: ScenarioContext): Promise<TcpFigures> {
  const lines = messageLines(2000);
  const chunks: Buffer[] = [];
  let perChunk: number[] = [];
  for (let i = 0, bytes = 0, start = 0; i <= lines.length; i++) {
    if (i === lines.length || bytes >= CHUNK_BYTES) {
      chunks.push(Buffer.from(lines.slice(start, i).map((l) => `${l}\n`).join('')));
      perChunk.push(i - start);
      start = i;
      bytes = 0;
    }
    bytes += (lines[i]?.length ?? 0) + 1;
  }
  perChunk = perChunk.filter((n) => n > 0);
  // The sender buffers up to 1 MiB of its own before write() says "full": a false write means the kernel's
  // socket buffers toward the appliance are full too, i.e. the appliance is not reading as fast as we write.
  const socket: net.Socket = await connectTcp(app.port(TCP), SENDER_HIGH_WATER);
  ctx.defer(() => socket.destroy());

  const sampler = new RssSampler(app.pid);
  const started = performance.now();
  let written = 0;
  let falseWrites = 0;
  let waitedMs = 0;
  let i = 0;
  while (performance.now() - started < durationMs && !ctx.signal.aborted && !socket.destroyed) {
    const k = i++ % chunks.length;
    const w = await writeWithBackpressure(socket, chunks[k]!);
    written += perChunk[k]!;
    if (w.waited) {
      falseWrites++;
      waitedMs += w.waitedMs;
    } else {
      await yieldToLoop();
    }
  }
  const elapsedMs = performance.now() - started;
  const receivedAtEnd = (await app.metrics()).count('syslog_messages_received_total', { transport: 'tcp' });
  await closeSocket(socket, 30_000);
  const received = async (): Promise<number> => (await app.metrics()).count('syslog_messages_received_total', { transport: 'tcp' });
  await waitUntil(async () => (await received()) >= written, `all ${written} TCP messages to arrive`, 30_000, { signal: ctx.signal, intervalMs: 100 }).catch(() => undefined);
  const rss = sampler.stop();
  const total = await received();
  return {
    written,
    falseWrites,
    drainWaitShare: waitedMs / elapsedMs,
    received: total,
    msgPerSecond: Math.round(receivedAtEnd / (elapsedMs / 1000)),
    rss,
  };
}

interface UdpFigures {
  readonly sent: number;
  readonly sendErrors: number;
  readonly received: number;
  readonly kernelDrops: number;
  readonly rss: RssSummary;
}

async function udpFlood(app: Appliance, durationMs: number, ctx: ScenarioContext): Promise<UdpFigures> {
  const datagrams = messageLines(1000).map((l) => Buffer.from(l));
  const socket = dgram.createSocket('udp4');
  ctx.defer(() => socket.close());
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.connect(app.port(UDP), '127.0.0.1', () => resolve());
  });
  socket.on('error', () => undefined);
  const sampler = new RssSampler(app.pid);
  const started = performance.now();
  let sent = 0;
  let sendErrors = 0;
  let inFlight = 0;
  let i = 0;
  await new Promise<void>((resolve) => {
    const pump = (): void => {
      while (inFlight < UDP_IN_FLIGHT) {
        if (performance.now() - started >= durationMs || ctx.signal.aborted) {
          if (inFlight === 0) resolve();
          return;
        }
        inFlight++;
        socket.send(datagrams[i++ % datagrams.length]!, (err) => {
          inFlight--;
          if (err) sendErrors++;
          else sent++;
          pump();
        });
      }
    };
    pump();
  });
  // Settle: what is still in the receive buffer gets read; then received + drops stops changing.
  const counts = async (): Promise<[number, number]> => {
    const m = await app.metrics();
    return [m.count('syslog_messages_received_total', { transport: 'udp' }), m.count('syslog_udp_kernel_drops_total')];
  };
  let last = [-1, -1];
  await waitUntil(
    async () => {
      const now = await counts();
      const stable = now[0] === last[0] && now[1] === last[1];
      last = now;
      return stable && now[0] + now[1] >= sent;
    },
    'UDP counts to settle',
    10_000,
    { signal: ctx.signal, intervalMs: 250 },
  ).catch(() => undefined);
  const rss = sampler.stop();
  const [received, kernelDrops] = await counts();
  return { sent, sendErrors, received, kernelDrops, rss };
}

export const backpressureScenario: Scenario = {
  name: 'backpressure',
  async run(ctx) {
    const { checks } = ctx;
    const tcpMs = ctx.quick ? 3000 : 20_000;
    const udpMs = ctx.quick ? 2000 : 10_000;
    const app = await startAppliance(
      applianceYaml({
        listeners: [
          `{ name: ${TCP}, protocol: tcp, address: 127.0.0.1, port: 0 }`,
          `{ name: ${UDP}, protocol: udp, address: 127.0.0.1, port: 0, receiveBufferBytes: 16KiB }`,
        ],
        rules: ['{ name: ssh_invalid_user, preset: sshd-invalid-user }', '{ name: keywords, type: keyword, keywords: [segfault, "Out of memory"], groupBy: [host] }'],
      }),
    );
    ctx.defer(() => app.stop());
    const figures: Record<string, Figure> = { tcpSeconds: tcpMs / 1000, udpSeconds: udpMs / 1000 };

    const tcp = await tcpFlood(app, tcpMs, ctx);
    Object.assign(figures, {
      tcpWritten: tcp.written,
      tcpReceived: tcp.received,
      tcpFalseWrites: tcp.falseWrites,
      tcpDrainWaitShare: Number(tcp.drainWaitShare.toFixed(3)),
      tcpMsgPerSecond: tcp.msgPerSecond,
      tcpRssBaselineMiB: Number(mib(tcp.rss.baselineBytes)),
      tcpRssPeakMiB: Number(mib(tcp.rss.peakBytes)),
      tcpRssFirstThirdMiB: Number(mib(tcp.rss.firstThirdMaxBytes)),
      tcpRssLastThirdMiB: Number(mib(tcp.rss.lastThirdMaxBytes)),
    });
    checks.that(tcp.falseWrites > 0 && tcp.drainWaitShare >= 0.5, `the TCP sender got ${tcp.falseWrites} false writes and waited for drain ${(tcp.drainWaitShare * 100).toFixed(0)}% of the time (want > 0 and ≥ 50%)`);
    checks.that(tcp.received === tcp.written, `${tcp.received} of ${tcp.written} TCP messages received`);
    checkRss(checks, 'TCP', tcp.rss);

    const udp = await udpFlood(app, udpMs, ctx);
    Object.assign(figures, {
      udpSent: udp.sent,
      udpSendErrors: udp.sendErrors,
      udpReceived: udp.received,
      udpKernelDrops: udp.kernelDrops,
      udpRssPeakMiB: Number(mib(udp.rss.peakBytes)),
      udpRssFirstThirdMiB: Number(mib(udp.rss.firstThirdMaxBytes)),
      udpRssLastThirdMiB: Number(mib(udp.rss.lastThirdMaxBytes)),
    });
    checks.that(udp.kernelDrops > 0, `${udp.kernelDrops} UDP datagrams counted as kernel drops (the overload must show as counted drops)`);
    checks.that(udp.received + udp.kernelDrops === udp.sent, `UDP received ${udp.received} + counted drops ${udp.kernelDrops} = ${udp.received + udp.kernelDrops}, sent ${udp.sent} (want equal: no silent loss)`);
    checkRss(checks, 'UDP', udp.rss);

    const summary =
      `TCP ${tcpMs / 1000} s: ${tcp.received}/${tcp.written} received (${tcp.msgPerSecond} msg/s), sender paused by backpressure: ${tcp.falseWrites} false writes, ` +
      `waiting for drain ${(tcp.drainWaitShare * 100).toFixed(0)}% of the time; ` +
      `RSS ${mib(tcp.rss.baselineBytes)} → peak ${mib(tcp.rss.peakBytes)} MiB (first/last third ${mib(tcp.rss.firstThirdMaxBytes)}/${mib(tcp.rss.lastThirdMaxBytes)}); ` +
      `UDP ${udpMs / 1000} s: sent ${udp.sent} = received ${udp.received} + counted kernel drops ${udp.kernelDrops}` +
      `${udp.sendErrors > 0 ? ` (${udp.sendErrors} send errors)` : ''}, RSS peak ${mib(udp.rss.peakBytes)} MiB (first/last third ${mib(udp.rss.firstThirdMaxBytes)}/${mib(udp.rss.lastThirdMaxBytes)})`;
    return { figures, summary };
  },
};

function checkRss(checks: Checks, what: string, rss: RssSummary): void {
  checks.that(rss.peakBytes - rss.baselineBytes <= RSS_GROWTH_BOUND, `${what}: RSS peak ${mib(rss.peakBytes)} MiB, ${mib(rss.peakBytes - rss.baselineBytes)} above idle (bound ${mib(RSS_GROWTH_BOUND)})`);
  checks.that(
    rss.lastThirdMaxBytes - rss.firstThirdMaxBytes <= RSS_LATE_GROWTH_BOUND,
    `${what}: RSS ${mib(rss.firstThirdMaxBytes)} MiB in the first third, ${mib(rss.lastThirdMaxBytes)} in the last (bound +${mib(RSS_LATE_GROWTH_BOUND)})`,
  );
}
