/**
 * The load generator, run as its own process (see sender-process.ts). Messages are built once at start into
 * Buffers; a job then only hands those Buffers to a socket:
 * - UDP: a connected socket (no per-send address handling), one burst per timer tick sized so that the
 *   cumulative count follows rate × elapsed; bursts are capped at 4 ticks' worth, so a sender that cannot keep
 *   up shows it as a lower achieved rate instead of hiding it in huge bursts.
 * - TCP: one connection, ~64 KiB chunks of whole frames (LF or octet counted), written as fast as the socket
 *   accepts them: write() returning false waits for 'drain'.
 */
import net from 'node:net';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { epochMs } from './clock.js';
import { connectUdpSocket } from '../simulate/udp-transport.js';
import { CycleCount } from './cycle-count.js';
import { buildMessageMix, buildStreamChunks, INVALID_USER_TEXT } from './messages.js';
import type { SenderReply, SenderRequest, TcpJob, TcpJobResult, UdpJob, UdpJobResult } from './sender-process.js';

const mix = buildMessageMix();
const datagrams = mix.datagrams;
const mask = datagrams.length - 1;
let cursor = 0;
const invalidUser = new CycleCount(datagrams.map((d) => d.includes(INVALID_USER_TEXT)));

function reply(m: SenderReply): void {
  process.send?.(m);
}

async function runUdp(job: UdpJob): Promise<UdpJobResult> {
  const socket = await connectUdpSocket({ type: 'udp4', sendBufferSize: 4 * 1024 * 1024 }, job.port, '127.0.0.1');
  let sendErrors = 0;
  socket.on('error', () => {
    sendErrors++;
  });
  const perMs = job.rate / 1000;
  const maxBurst = Math.max(1, Math.ceil(perMs * job.tickMs * 4));
  const total = job.count;
  let sent = 0;
  let firstBurstAt = Number.NaN;
  let lastBurstAt = Number.NaN;
  let sentBeforeLastBurst = 0;
  const firstIndex = cursor;
  const startedAt = epochMs();
  const t0 = performance.now();
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const now = performance.now();
      // One tick's worth is due immediately, so the first burst goes out at t0.
      let due = Math.min(total, Math.floor((now - t0 + job.tickMs) * perMs)) - sent;
      if (due > maxBurst) due = maxBurst;
      if (due > 0) {
        if (Number.isNaN(firstBurstAt)) firstBurstAt = now;
        lastBurstAt = now;
        sentBeforeLastBurst = sent;
        let i = cursor;
        let n = 0;
        try {
          for (; n < due; n++) {
            socket.send(datagrams[i]!);
            i = (i + 1) & mask;
          }
        } catch {
          sendErrors++;
          n++;
        }
        cursor = i;
        sent += n;
      }
      if (sent >= total) resolve();
      else setTimeout(tick, job.tickMs);
    };
    tick();
  });
  const endedAt = epochMs();
  const span = lastBurstAt - firstBurstAt;
  const achievedRate = span > 0 ? (sentBeforeLastBurst * 1000) / span : job.rate;
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return { kind: 'udp', sent, achievedRate, startedAt, endedAt, sendErrors, invalidUserLines: invalidUser.count(firstIndex, sent) };
}

async function runTcp(job: TcpJob): Promise<TcpJobResult> {
  // Built before the clock starts: the timed part only writes.
  const { chunks } = buildStreamChunks(mix, job.framing, job.count);
  let bytes = 0;
  for (const c of chunks) bytes += c.length;
  const socket = net.connect({ port: job.port, host: '127.0.0.1', noDelay: true });
  await once(socket, 'connect');
  const firstByteAt = epochMs();
  for (const chunk of chunks) {
    if (!socket.write(chunk)) await once(socket, 'drain');
  }
  socket.end();
  await once(socket, 'finish');
  const writtenAt = epochMs();
  // The receiver closes after reading EOF; do not hold the parent up on that.
  socket.on('error', () => undefined);
  socket.resume();
  socket.once('end', () => socket.destroy());
  // buildStreamChunks frames the mix from its first message on, in order.
  return { kind: 'tcp', sent: job.count, bytes, firstByteAt, writtenAt, invalidUserLines: invalidUser.count(0, job.count) };
}

process.on('message', (req: SenderRequest) => {
  const job = req.job;
  const run = job.kind === 'udp' ? runUdp(job) : runTcp(job);
  run.then(
    (result) => reply({ type: 'result', id: req.id, result }),
    (err: unknown) => reply({ type: 'error', id: req.id, message: err instanceof Error ? err.message : String(err) }),
  );
});
// The orchestrator went away (crash, SIGKILL): do not linger.
process.on('disconnect', () => process.exit(0));

reply({ type: 'ready', distinctMessages: datagrams.length, meanBytes: mix.meanBytes, kinds: mix.kinds });
