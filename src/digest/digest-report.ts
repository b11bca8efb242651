/**
 * The digest's content, built from its sources once per digest: messages per host (HostCounter, reset each
 * time), incidents opened per rule (deltas of the alert manager's cumulative counters between two digests, so
 * the hot path does no extra work) and the mutes in force.
 */
import type { Mute, MuteView } from '../alert/types.js';
import type { HostCounts } from './host-counter.js';

export interface HostLine {
  readonly host: string;
  readonly messages: number;
}

export interface RuleLine {
  readonly rule: string;
  readonly opened: number;
}

export interface DigestReport {
  /** Epoch ms: the previous digest, or when counting started. */
  readonly from: number;
  /** Epoch ms: when this digest was built. */
  readonly to: number;
  readonly messages: {
    readonly total: number;
    /** Distinct hosts counted (at most maxHosts; see hostsCapped). */
    readonly hosts: number;
    /** More hosts sent than maxHosts: the ones seen last are only in otherHostsMessages. */
    readonly hostsCapped: boolean;
    /** Messages from hosts beyond maxHosts. */
    readonly otherHostsMessages: number;
    /** The busiest hosts, most messages first (ties by name). */
    readonly top: readonly HostLine[];
  };
  readonly incidents: {
    /** Opened in the period, all rules. */
    readonly opened: number;
    /** Per rule with at least one, most first (ties by name). */
    readonly byRule: readonly RuleLine[];
    /** Open when the digest was built. */
    readonly openNow: number;
  };
  readonly mutes: {
    /** Mutes in force when the digest was built. */
    readonly active: number;
    /** The active mutes, soonest to end first (at most `top`). */
    readonly list: readonly Mute[];
  };
}

export interface DigestSources {
  readonly hosts: { take(): HostCounts };
  /** Cumulative incidents opened per rule (AlertManager.stats.opened). */
  readonly openedByRule: () => ReadonlyMap<string, number>;
  readonly openIncidents: () => number;
  readonly mutes: () => readonly MuteView[];
  /** Epoch ms. */
  readonly now: () => number;
}

export class DigestReporter {
  readonly #sources: DigestSources;
  readonly #top: number;
  #since: number;
  #openedBefore: Map<string, number>;

  constructor(sources: DigestSources, top: number) {
    this.#sources = sources;
    this.#top = top;
    this.#since = sources.now();
    this.#openedBefore = new Map(sources.openedByRule());
  }

  /** The report for the period since the last build(); counting for the next one starts now. */
  build(): DigestReport {
    const to = this.#sources.now();
    const counts = this.#sources.hosts.take();
    const openedNow = new Map(this.#sources.openedByRule());
    const byRule = openedSince(openedNow, this.#openedBefore);
    const active = this.#sources
      .mutes()
      .filter((v) => v.state === 'active')
      .map((v) => v.mute)
      .sort((a, b) => a.endsAt - b.endsAt || compare(a.id, b.id));
    const report: DigestReport = {
      from: this.#since,
      to,
      messages: {
        total: counts.total,
        hosts: counts.hosts.size,
        hostsCapped: counts.otherMessages > 0,
        otherHostsMessages: counts.otherMessages,
        top: topHosts(counts.hosts, this.#top),
      },
      incidents: { opened: byRule.reduce((sum, r) => sum + r.opened, 0), byRule, openNow: this.#sources.openIncidents() },
      mutes: { active: active.length, list: active.slice(0, this.#top) },
    };
    this.#since = to;
    this.#openedBefore = openedNow;
    return report;
  }
}

/** The `n` hosts with the most messages, most first; equal counts in name order (so the output is stable). */
export function topHosts(hosts: ReadonlyMap<string, number>, n: number): HostLine[] {
  const lines: HostLine[] = [];
  for (const [host, messages] of hosts) lines.push({ host, messages });
  lines.sort(byCountThenName);
  return lines.slice(0, n);
}

/** Per-rule increase between two snapshots of cumulative counters; a counter that went down counts from 0. */
export function openedSince(current: ReadonlyMap<string, number>, previous: ReadonlyMap<string, number>): RuleLine[] {
  const lines: RuleLine[] = [];
  for (const [rule, n] of current) {
    const before = previous.get(rule) ?? 0;
    const opened = n >= before ? n - before : n;
    if (opened > 0) lines.push({ rule, opened });
  }
  return lines.sort((a, b) => b.opened - a.opened || compare(a.rule, b.rule));
}

function byCountThenName(a: HostLine, b: HostLine): number {
  return b.messages - a.messages || compare(a.host, b.host);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
