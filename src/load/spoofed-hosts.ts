/**
 * 100k distinct spoofed hostnames (20k with --quick), one sshd "Invalid user" line each: every line makes a new
 * key for the sshd rule. The rule's tracked keys stay at or under its `maxKeys` cap (10,000), every key beyond
 * the cap is an eviction that is counted (tracked + evicted = hosts sent), and once the cap is full the memory the
 * appliance holds stays flat while the remaining hosts arrive: what V8 holds right after a forced full garbage
 * collection (heap used + external, through the inspector) moves by less than what even a small leak per evicted
 * key would add, and RSS stays within a looser bound.
 */
import type { LiveReading } from '../harness/inspector.js';
import { startAppliance } from './appliance.js';
import { applianceYaml } from './appliance-config.js';
import { MiB, mib } from './process-memory.js';
import { RssSampler } from './rss-sampler.js';
import type { Scenario } from './scenario.js';
import { closeSocket, connectTcp, syslogLine, writeWithBackpressure } from './tcp-client.js';
import type { Figure } from './verdict.js';
import { waitUntil } from './wait-until.js';

const LISTENER = 'load-tcp';
const RULE = 'ssh_invalid_user';
const MAX_KEYS = 10_000;
/** RSS may move this much between "cap full" and the end (V8 heap growth and GC timing), not with the host count. */
const RSS_FLAT_BOUND = 40 * MiB;
/**
 * Heap used + external after a full GC may move this much between "cap full" and the end. A leak of 512 bytes per
 * evicted key passes it after 8,000 keys (--quick), of 64 bytes after 72,000.
 */
const LIVE_FLAT_BOUND = 4 * MiB;
const BATCH = 500;

/** What V8 holds after a forced full collection: heap used + external (Buffers). */
const held = (r: LiveReading): number => r.heapUsedBytes + r.externalBytes;

export const spoofedHostsScenario: Scenario = {
  name: 'spoofed-hosts',
  async run(ctx) {
    const { checks } = ctx;
    const hosts = ctx.quick ? 20_000 : 100_000;
    const figures: Record<string, Figure> = { hosts, maxKeys: MAX_KEYS };
    const app = await startAppliance(
      applianceYaml({
        listeners: [`{ name: ${LISTENER}, protocol: tcp, address: 127.0.0.1, port: 0 }`],
        // A 10-minute window: no key expires by age during the run, so every key that left was evicted by the cap.
        rules: [`{ name: ${RULE}, preset: sshd-invalid-user, window: 10m, maxKeys: ${MAX_KEYS} }`],
      }),
      { inspect: true },
    );
    ctx.defer(() => app.stop());
    const socket = await connectTcp(app.port(LISTENER), 1024 * 1024);
    ctx.defer(() => socket.destroy());
    const received = async (): Promise<number> => (await app.metrics()).count('syslog_messages_received_total', { transport: 'tcp' });
    const send = async (from: number, to: number): Promise<void> => {
      for (let i = from; i < to && !ctx.signal.aborted; i += BATCH) {
        const lines: string[] = [];
        for (let h = i; h < Math.min(to, i + BATCH); h++) {
          lines.push(`${syslogLine(`spoof-${h.toString(36)}-${(h * 2654435761) % 1_000_003}`, 'sshd', `Invalid user admin from 198.51.100.${h % 250} port ${1024 + (h % 60_000)}`)}\n`);
        }
        await writeWithBackpressure(socket, lines.join(''));
      }
      await waitUntil(async () => (await received()) >= to, `${to} messages received`, 60_000, { signal: ctx.signal, intervalMs: 100 });
    };

    const sampler = new RssSampler(app.pid);
    // Fill the cap and a fifth of the rest first (every key from the cap on evicts one), then measure from there to the end.
    const warm = MAX_KEYS + Math.floor((hosts - MAX_KEYS) / 5);
    let sendingMs = performance.now();
    await send(0, warm);
    sendingMs = performance.now() - sendingMs;
    const atCap = app.memory()?.rssBytes ?? 0;
    const liveAtCap = await app.live();
    const rest = performance.now();
    await send(warm, hosts);
    sendingMs += performance.now() - rest;
    const liveAtEnd = await app.live();
    const seconds = sendingMs / 1000;
    const rss = sampler.stop();
    await closeSocket(socket);

    const m = await app.metrics();
    const tracked = m.count('syslog_rule_tracked_keys', { rule: RULE });
    const evicted = m.count('syslog_rule_evictions_total', { rule: RULE });
    const endRss = app.memory()?.rssBytes ?? 0;
    Object.assign(figures, {
      received: m.count('syslog_messages_received_total', { transport: 'tcp' }),
      trackedKeys: tracked,
      evictions: evicted,
      seconds: Number(seconds.toFixed(2)),
      rssBaselineMiB: Number(mib(rss.baselineBytes)),
      rssAtCapMiB: Number(mib(atCap)),
      rssEndMiB: Number(mib(endRss)),
      rssPeakMiB: Number(mib(rss.peakBytes)),
      liveAtCapMiB: Number(mib(held(liveAtCap))),
      liveEndMiB: Number(mib(held(liveAtEnd))),
      incidentsOpened: m.count('syslog_incidents_opened_total'),
    });
    checks.that(figures.received === hosts, `${figures.received} of ${hosts} lines received`);
    checks.that(tracked <= MAX_KEYS, `syslog_rule_tracked_keys ${tracked} (cap ${MAX_KEYS})`);
    checks.that(evicted > 0, `syslog_rule_evictions_total ${evicted} (want > 0)`);
    checks.that(tracked + evicted === hosts, `tracked ${tracked} + evicted ${evicted} = ${tracked + evicted} keys, ${hosts} hosts sent (want equal: every key beyond the cap counted)`);
    checks.that(
      held(liveAtEnd) - held(liveAtCap) <= LIVE_FLAT_BOUND,
      `heap used + external after a full GC: ${mib(held(liveAtCap))} MiB with the cap full, ${mib(held(liveAtEnd))} MiB after ${hosts - warm} more keys (bound +${mib(LIVE_FLAT_BOUND)})`,
    );
    checks.that(Math.max(endRss, rss.lastThirdMaxBytes) - atCap <= RSS_FLAT_BOUND, `RSS ${mib(atCap)} MiB with the cap full, ${mib(endRss)} MiB at the end (bound +${mib(RSS_FLAT_BOUND)})`);

    const summary =
      `${hosts} distinct hostnames in ${figures.seconds} s: tracked keys ${tracked} (maxKeys ${MAX_KEYS}), evictions ${evicted}, ` +
      `after a full GC ${mib(held(liveAtCap))} MiB held with the cap full (after ${warm} hosts), ${mib(held(liveAtEnd))} at the end; ` +
      `RSS ${mib(rss.baselineBytes)} MiB idle, ${mib(atCap)} with the cap full, ${mib(endRss)} at the end (peak ${mib(rss.peakBytes)})`;
    return { figures, summary };
  },
};
