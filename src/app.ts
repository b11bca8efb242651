/**
 * Composition root: builds the pipeline from a compiled Config and injected dependencies (logger, metrics
 * registry), starts and stops it. Holds no rules of its own; embeddable in tests.
 */
import type { AddressInfo } from 'node:net';
import type { Writable } from 'node:stream';
import { AlertManager } from './alert/manager.js';
import type { Notifier } from './alert/types.js';
import type { Registry } from 'prom-client';
import type { Config } from './config/types.js';
import type { ConfigError } from './errors.js';
import { Detector } from './detect/detector.js';
import { BaselineStore } from './detect/rules/baseline-store.js';
import { ListenerSet } from './ingest/listener-set.js';
import { UdpListener } from './ingest/udp-listener.js';
import { readUdpKernelDrops } from './ingest/udp-kernel-drops.js';
import type { Logger } from './log.js';
import { createMetrics, type Metrics } from './metrics/metrics.js';
import { registerDetectionMetrics } from './metrics/detection-metrics.js';
import { HttpServer } from './metrics/server.js';
import { ApiRoutes } from './api/routes.js';
import { registerApiMetrics } from './metrics/api-metrics.js';
import { ConsoleNotifier } from './notify/console-notifier.js';
import type { OutboxStats } from './notify/outbox/types.js';
import { DeferredNotifier } from './notify/deferred-notifier.js';
import type { SlackService } from './notify/slack/slack-service.js';
import { WebhookNotifier } from './notify/webhook/webhook-notifier.js';
import { TriageService } from './triage/triage-service.js';
import { registerTriageMetrics } from './metrics/triage-metrics.js';
import { registerOutboxMetrics, registerSlackCallMetrics } from './metrics/notify-metrics.js';
import { RateMeter } from './metrics/rate-meter.js';
import { Pipeline } from './pipeline/pipeline.js';
import { VERSION } from './version.js';
import { Digest } from './digest/digest.js';
import { DigestReporter, type DigestReport } from './digest/digest-report.js';
import type { DigestScheduler } from './digest/digest-scheduler.js';
import { HostCounter } from './digest/host-counter.js';

export interface AppDeps {
  readonly log: Logger;
  readonly registry: Registry;
  /** prom-client's process_* / nodejs_* metrics; on by default. */
  readonly processMetrics?: boolean;
  /** Where the console notifier writes incident events (stdout by default). */
  readonly eventStream?: Writable;
  /** Epoch-ms clock for the alert manager (tests inject one). */
  readonly now?: () => number;
  /** Runs the daily digest on its schedule (default: a node-cron task; tests inject one and call digestNow()). */
  readonly scheduleDigest?: DigestScheduler;
}

export interface App {
  readonly metrics: Metrics;
  readonly alerts: AlertManager;
  readonly detector: Detector;
  /** Binds every listener and the HTTP server. On failure, whatever was started is stopped and the error rethrown. */
  start(): Promise<void>;
  /** Stops accepting, lets listeners finish the frames they already read, closes the HTTP server. Idempotent. */
  stop(): Promise<void>;
  /** Applies a new, already validated config (SIGHUP). */
  reload(next: Config): void;
  /** Records a reload whose config did not validate; the running config stays. */
  reloadFailed(error: ConfigError): void;
  /** Bound port per listener name (after start). */
  listenerPorts(): ReadonlyMap<string, number>;
  httpAddress(): AddressInfo | null;
  /** The Slack app, when notify.slack is configured. */
  readonly slack: SlackService | null;
  /** Builds and sends the digest now (as its schedule would); null when `digest` is not configured. */
  digestNow(): Promise<DigestReport | null>;
}

/** How long stop() waits for the Slack and webhook outboxes to empty before keeping the rest on disk. */
const OUTBOX_DRAIN_MS = 3000;

export function createApp(initial: Config, deps: AppDeps): App {
  const log = deps.log;
  let config = initial;
  const metrics = createMetrics(deps.registry, {
    version: VERSION,
    processMetrics: deps.processMetrics ?? true,
    udpKernelDrops: () => readUdpKernelDrops(listeners.udpEndpoints()),
  });
  const now = deps.now ?? Date.now;
  const notifiers: Notifier[] = [];
  if (config.notify.console) notifiers.push(new ConsoleNotifier({ stream: deps.eventStream ?? process.stdout }));
  const rates = new RateMeter(() => metrics.receivedTotal(), now);
  const calls = config.notify.slack || config.notify.webhook ? registerSlackCallMetrics(deps.registry) : null;
  // Bolt is imported in start(), and only with notify.slack: it costs about 34 MB that a syslog-only Pi keeps.
  const slackSlot = config.notify.slack ? new DeferredNotifier('slack') : null;
  let slack: SlackService | null = null;
  if (slackSlot) notifiers.push(slackSlot);
  const webhook = config.notify.webhook
    ? new WebhookNotifier({
        config: config.notify.webhook,
        stateDir: config.stateDir,
        onStateWriteError: () => alerts.stats.stateWriteFailures++,
        calls: calls!,
        log: log.child({ component: 'webhook' }),
        now,
      })
    : null;
  if (webhook) notifiers.push(webhook);
  // LLM triage (optional), last in the list: it starts a call on `fired` and answers later with a `triaged` event.
  const triage = config.triage
    ? new TriageService({ config: config.triage, target: { attachTriage: (id, t) => alerts.attachTriage(id, t) }, observer: registerTriageMetrics(deps.registry), log: log.child({ component: 'triage' }), now })
    : null;
  if (triage) notifiers.push(triage);
  const outboxes = new Map<string, OutboxStats>();
  if (webhook) outboxes.set(webhook.name, webhook.outbox.stats);
  if (calls) registerOutboxMetrics(deps.registry, () => outboxes, now);
  const alerts = new AlertManager({
    alerting: config.alerting,
    stateDir: config.stateDir,
    notifiers,
    log: log.child({ component: 'alerts' }),
    keyFields: () => config.rules.flatMap((r) => r.groupBy),
    now,
  });
  const detector = new Detector({ rules: config.rules, onSignal: (signal) => alerts.handle(signal) });
  const baselines = new BaselineStore({
    stateDir: config.stateDir,
    rules: () => detector.baselines(),
    log: log.child({ component: 'baseline' }),
    now,
    onWriteError: () => alerts.stats.stateWriteFailures++,
    onCorrupt: () => alerts.stats.stateCorruptFiles++,
  });
  registerDetectionMetrics(deps.registry, {
    rules: () => detector.stats(),
    alerts: alerts.stats,
    openIncidents: () => alerts.openCount,
    activeMutes: () => alerts.mutes().filter((m) => m.state === 'active').length,
  });
  // The daily digest (optional): a stage counting messages per host, and the job that reports and resets it.
  const hostCounter = config.digest ? new HostCounter(config.digest.maxHosts) : null;
  const digest =
    config.digest && hostCounter
      ? new Digest({
          config: config.digest,
          reporter: new DigestReporter(
            { hosts: hostCounter, openedByRule: () => alerts.stats.opened, openIncidents: () => alerts.openCount, mutes: () => alerts.mutes(), now },
            config.digest.top,
          ),
          stream: config.notify.console ? (deps.eventStream ?? process.stdout) : null,
          slack: slackSlot && {
            postDigest: (message) => (slack ? slack.postDigest(message) : Promise.reject(new Error('the Slack app has not started'))),
          },
          log: log.child({ component: 'digest' }),
          scheduler: deps.scheduleDigest,
        })
      : null;
  const pipeline = new Pipeline({ timezone: config.timezone, metrics, log: log.child({ component: 'pipeline' }), stages: hostCounter ? [hostCounter, detector] : [detector] });
  const listeners = new ListenerSet(config.listeners, { sink: pipeline, observer: metrics.ingest, logger: log.child({ component: 'ingest' }) });
  let ready = false;
  const api = new ApiRoutes({
    api: config.http.api,
    address: config.http.address,
    ingest: { sink: pipeline, observer: metrics.ingest },
    config: () => config,
    observer: config.http.api.ingest || config.http.api.detect ? registerApiMetrics(deps.registry) : { request() {}, entries() {} },
    log: log.child({ component: 'api' }),
    now,
  });
  const http = new HttpServer({ ...config.http, registry: deps.registry, isReady: () => ready, log: log.child({ component: 'http' }), routes: api.handle });
  let httpAddress: AddressInfo | null = null;
  let stopping: Promise<void> | null = null;

  return {
    metrics,
    alerts,
    detector,
    async start() {
      // A corrupt state or outbox file was logged by StateFile as it moved it aside; the alert manager counts its own.
      const loaded = await alerts.load();
      log.info({ incidents: loaded.incidents, mutes: loaded.mutes, stateDir: config.stateDir }, 'state loaded');
      alerts.start();
      await baselines.start();
      if (webhook) {
        if ((await webhook.outbox.load()).problem !== null) alerts.stats.stateCorruptFiles++;
        webhook.outbox.start();
      }
      if (config.notify.slack && slackSlot) {
        const { SlackService } = await import('./notify/slack/slack-service.js');
        slack = new SlackService(config.notify.slack, {
          control: alerts,
          status: { receivedTotal: () => metrics.receivedTotal(), messagesPerSecond: () => rates.perSecond(), ruleNames: () => config.rules.map((r) => r.name) },
          calls: calls!,
          stateDir: config.stateDir,
          onStateWriteError: () => alerts.stats.stateWriteFailures++,
          onStateCorrupt: () => alerts.stats.stateCorruptFiles++,
          log: log.child({ component: 'slack' }),
          now,
        });
        slackSlot.attach(slack.notifier);
        outboxes.set(slack.notifier.name, slack.notifier.outbox.stats);
        await slack.start();
      }
      rates.start();
      digest?.start();
      await listeners.start();
      for (const listener of listeners.listeners) {
        const bound = listener.boundAddress()!;
        if (listener instanceof UdpListener) {
          const rcvbuf = listener.receiveBuffer();
          if (rcvbuf) metrics.setUdpReceiveBuffer(listener.name, rcvbuf.usableBytes);
        }
        log.info({ listener: listener.name, protocol: listener.transport, address: bound.address, port: bound.port }, 'listening');
      }
      httpAddress = await http.start();
      log.info({ address: httpAddress.address, port: httpAddress.port }, 'http listening');
      ready = true;
      metrics.setReady(true);
      log.info({ version: VERSION, timezone: config.timezone, listeners: listeners.listeners.length }, 'ready');
    },
    stop() {
      stopping ??= (async () => {
        ready = false;
        metrics.setReady(false);
        api.close(); // the HTTP API takes no more lines: the server itself stays up for /metrics until the end
        await listeners.stop();
        await digest?.stop(OUTBOX_DRAIN_MS);
        await triage?.stop();
        await alerts.stop();
        await baselines.stop();
        rates.stop();
        await Promise.all([slack?.stop(OUTBOX_DRAIN_MS), webhook?.outbox.stop(OUTBOX_DRAIN_MS)]);
        await http.stop();
      })();
      return stopping;
    },
    reload(next: Config) {
      const changed = JSON.stringify(next.listeners) !== JSON.stringify(config.listeners) || JSON.stringify(next.http) !== JSON.stringify(config.http);
      if (changed) log.warn('listener or http settings changed in the config file; they take effect at the next restart');
      if (JSON.stringify(next.alerting) !== JSON.stringify(config.alerting) || JSON.stringify(next.notify) !== JSON.stringify(config.notify) || JSON.stringify(next.triage) !== JSON.stringify(config.triage) || next.stateDir !== config.stateDir) {
        log.warn('alerting, notify, triage or stateDir settings changed in the config file; they take effect at the next restart');
      }
      if (JSON.stringify(next.digest) !== JSON.stringify(config.digest)) log.warn('digest settings changed in the config file; they take effect at the next restart');
      detector.reconfigure(next.rules);
      pipeline.setTimezone(next.timezone);
      log.level = next.log.level;
      config = next;
      metrics.configReloaded(true, Date.now());
      log.info({ timezone: next.timezone, level: next.log.level, rules: next.rules.map((r) => r.name) }, 'config reloaded');
    },
    reloadFailed(error: ConfigError) {
      metrics.configReloaded(false, Date.now());
      log.error({ problems: error.problems }, 'config reload failed; keeping the running config');
    },
    listenerPorts() {
      const ports = new Map<string, number>();
      for (const l of listeners.listeners) {
        const bound = l.boundAddress();
        if (bound) ports.set(l.name, bound.port);
      }
      return ports;
    },
    httpAddress: () => httpAddress,
    get slack() {
      return slack;
    },
    digestNow: () => digest?.run() ?? Promise.resolve(null),
  };
}
