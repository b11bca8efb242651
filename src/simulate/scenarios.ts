/**
 * The traffic generator: an endless, seeded sequence of lines for one scenario. Line i is scheduled at i / rate
 * seconds ("schedule time"); scenario events are placed in schedule time and so fall on fixed line numbers,
 * which makes the sequence of lines (all but their timestamps) a function of seed, scenario, hosts, format and
 * rate alone, however fast the transport actually sends.
 *
 * - `mixed`: background only (line-templates.ts).
 * - `ssh-burst`: background, and every 10 s from 1 s on, one attacker tries 8 unknown user names on one host,
 *   100 ms apart (at low rates: on consecutive lines). Enough to trip the `sshd-invalid-user` preset (4 in 60 s)
 *   or a 5-in-60 s rule.
 * - `keyword`: background, and every 5 s from 0.5 s on, one line with a keyword of the default config.
 *
 * Injected lines take the place of background lines, so the total rate stays what was asked for.
 */
import { buildHosts, type SimHost } from './hosts.js';
import { backgroundEvent } from './line-templates.js';
import { Random } from './prng.js';
import { invalidUserEvent, keywordEvent } from './scenario-lines.js';
import { renderLine, type LineFormat, type SyslogEvent } from './syslog-format.js';

export const SCENARIOS = ['mixed', 'ssh-burst', 'keyword'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export const FORMAT_CHOICES = ['mixed', 'rfc3164', 'rfc5424'] as const;
export type FormatChoice = (typeof FORMAT_CHOICES)[number];

/** Share of RFC 5424 lines with `--format mixed`. */
const RFC5424_SHARE = 0.35;

export const SSH_BURST = { firstAtMs: 1000, everyMs: 10_000, attempts: 8, spacingMs: 100 } as const;
export const KEYWORD_LINES = { firstAtMs: 500, everyMs: 5000 } as const;

export type InjectedKind = 'ssh-burst' | 'keyword';

export interface GeneratorOptions {
  readonly scenario: ScenarioName;
  readonly hosts: number;
  readonly seed: number;
  readonly format: FormatChoice;
  /** Lines per second: places scenario events on line numbers. */
  readonly rate: number;
}

export interface SimulatedLine {
  /** A background kind (line-templates.ts) or the scenario's own: 'ssh-burst', 'keyword'. */
  readonly kind: string;
  readonly format: LineFormat;
  readonly host: string;
  readonly text: string;
}

interface Injection {
  readonly line: number;
  readonly kind: InjectedKind;
  readonly host: string;
  readonly event: SyslogEvent;
}

export class TrafficGenerator {
  readonly #options: GeneratorOptions;
  readonly #background: Random;
  readonly #scenario: Random;
  readonly #hosts: readonly SimHost[];
  readonly #sshHosts: readonly SimHost[];
  readonly #queue: Injection[] = [];
  #line = 0;
  #events = 0;

  constructor(options: GeneratorOptions) {
    this.#options = options;
    this.#background = new Random(options.seed);
    this.#scenario = new Random((options.seed ^ 0x9e3779b9) >>> 0);
    this.#hosts = buildHosts(this.#background, options.hosts);
    const sshHosts = this.#hosts.filter((h) => h.role !== 'router');
    this.#sshHosts = sshHosts.length > 0 ? sshHosts : this.#hosts;
  }

  /** Scenario events started so far (ssh bursts, keyword lines). */
  get events(): number {
    return this.#events;
  }

  /** The next line, stamped `now`. */
  next(now: Date): SimulatedLine {
    this.#schedule();
    const line = this.#line++;
    const head = this.#queue[0];
    if (head !== undefined && head.line <= line) {
      this.#queue.shift();
      return this.#render(head.kind, head.event, head.host, now);
    }
    const r = this.#background;
    const host = r.pick(this.#hosts);
    const { kind, event } = backgroundEvent(r, host.role, now);
    return this.#render(kind, event, host.name, now);
  }

  #render(kind: string, event: SyslogEvent, host: string, now: Date): SimulatedLine {
    const r = this.#background;
    const choice = this.#options.format;
    const format: LineFormat = choice === 'mixed' ? (r.chance(RFC5424_SHARE) ? 'rfc5424' : 'rfc3164') : choice;
    const withSd = format === 'rfc5424' && event.structuredData === undefined && r.chance(0.3) ? { ...event, structuredData: '[timeQuality tzKnown="1" isSynced="1"]' } : event;
    return { kind, format, host, text: renderLine(format, withSd, host, now) };
  }

  /** Queues the lines of every scenario event that starts at or before the current line. */
  #schedule(): void {
    const { scenario, rate } = this.#options;
    if (scenario === 'mixed') return;
    const timing = scenario === 'ssh-burst' ? SSH_BURST : KEYWORD_LINES;
    const lineAt = (ms: number) => Math.floor((ms / 1000) * rate);
    for (;;) {
      const startMs = timing.firstAtMs + this.#events * timing.everyMs;
      if (lineAt(startMs) > this.#line) return;
      this.#events++;
      const r = this.#scenario;
      if (scenario === 'keyword') {
        const { role, event } = keywordEvent(r);
        const fitting = this.#hosts.filter((h) => h.role === role);
        this.#queue.push({ line: lineAt(startMs), kind: 'keyword', host: r.pick(fitting.length > 0 ? fitting : this.#hosts).name, event });
        continue;
      }
      const host = r.pick(this.#sshHosts).name;
      const attacker = r.publicIpv4();
      for (let i = 0; i < SSH_BURST.attempts; i++) {
        this.#queue.push({ line: lineAt(startMs + i * SSH_BURST.spacingMs), kind: 'ssh-burst', host, event: invalidUserEvent(r, attacker) });
      }
    }
  }
}
