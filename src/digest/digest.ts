/**
 * The daily digest: on its cron schedule (or digestNow()), builds the report and sends it to the console (one
 * JSON line, `"event":"digest"`, on the incident event stream) and to Slack (a chat.postMessage to the default
 * channel). Best effort: a failed output is logged, never retried, and never stops the other one.
 */
import type { Writable } from 'node:stream';
import type { Mute } from '../alert/types.js';
import type { Logger } from '../log.js';
import type { SlackMessage } from '../notify/slack/incident-message.js';
import { digestMessage } from './digest-message.js';
import type { DigestReport, DigestReporter } from './digest-report.js';
import { cronDigestScheduler, type DigestScheduler } from './digest-scheduler.js';

export interface DigestConfig {
  /** node-cron expression. */
  readonly schedule: string;
  /** IANA zone (or UTC) the schedule is read in. */
  readonly timezone: string;
  /** Hosts (and mutes) listed. */
  readonly top: number;
  /** Hosts counted individually between two digests. */
  readonly maxHosts: number;
}

export interface DigestOptions {
  readonly config: DigestConfig;
  readonly reporter: DigestReporter;
  /** The console output (notify.console), or null. */
  readonly stream: Writable | null;
  /** The Slack app (notify.slack), or null. */
  readonly slack: { postDigest(message: SlackMessage): Promise<void> } | null;
  readonly log: Logger;
  /** Default: a node-cron task. */
  readonly scheduler?: DigestScheduler;
}

/** The console line for a digest. Times are ISO 8601 (UTC). */
function digestRecord(report: DigestReport): Record<string, unknown> {
  return {
    event: 'digest',
    at: iso(report.to),
    from: iso(report.from),
    to: iso(report.to),
    messages: report.messages,
    incidents: report.incidents,
    mutes: { active: report.mutes.active, list: report.mutes.list.map(muteRecord) },
  };
}

function muteRecord(m: Mute): Record<string, unknown> {
  return { id: m.id, matchers: m.matchers, startsAt: iso(m.startsAt), endsAt: iso(m.endsAt), createdBy: m.createdBy, comment: m.comment };
}

const iso = (ms: number): string => new Date(ms).toISOString();

export class Digest {
  readonly #o: DigestOptions;
  #job: { stop(): void } | null = null;
  readonly #running = new Set<Promise<unknown>>();

  constructor(options: DigestOptions) {
    this.#o = options;
  }

  start(): void {
    if (this.#job !== null) return;
    const { schedule, timezone } = this.#o.config;
    const scheduler = this.#o.scheduler ?? cronDigestScheduler(this.#o.log);
    this.#job = scheduler(schedule, timezone, () => this.run());
    this.#o.log.info({ schedule, timezone }, 'digest scheduled');
  }

  /** Builds the report for the period since the last one and sends it; resolves with it once every output is done. */
  run(): Promise<DigestReport> {
    const done = this.#send();
    this.#running.add(done);
    const forget = (): void => void this.#running.delete(done);
    done.then(forget, forget);
    return done;
  }

  /** Stops the schedule; waits (up to waitMs) for a digest being sent. */
  async stop(waitMs: number): Promise<void> {
    this.#job?.stop();
    this.#job = null;
    if (this.#running.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, waitMs)));
    await Promise.race([Promise.allSettled([...this.#running]), timeout]);
    clearTimeout(timer);
  }

  async #send(): Promise<DigestReport> {
    const { log, stream, slack } = this.#o;
    const report = this.#o.reporter.build();
    if (stream !== null) {
      if (stream.destroyed || stream.writableEnded) log.warn('digest not written: the console output stream is closed');
      else stream.write(`${JSON.stringify(digestRecord(report))}\n`);
    }
    let slackOutcome: 'posted' | 'failed' | undefined;
    if (slack !== null) {
      try {
        await slack.postDigest(digestMessage(report));
        slackOutcome = 'posted';
      } catch (err) {
        slackOutcome = 'failed';
        log.error({ err: (err as Error).message }, 'the digest could not be posted to Slack');
      }
    }
    log.info(
      { messages: report.messages.total, hosts: report.messages.hosts, incidentsOpened: report.incidents.opened, mutesActive: report.mutes.active, console: stream !== null, slack: slackOutcome },
      'digest sent',
    );
    return report;
  }
}
