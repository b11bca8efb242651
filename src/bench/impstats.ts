/**
 * rsyslog's impstats output (format="json", log.file): every interval it appends one line per counter object,
 * `<ctime>: { "name": ..., "origin": ..., <counter>: <number>, ... }`. This reads those lines, groups them into
 * snapshots (one per interval) and takes what the benchmark counts from a snapshot. Pure: no files, no clock.
 *
 * Counters rsyslog 8.2302 writes (resetCounters="off": cumulative):
 * - `origin: "imudp"`, name `imudp(127.0.0.1/PORT/IPv4)`: `submitted` (datagrams handed to the ruleset), `disallowed`;
 *   name `imudp(w0)` (the worker): `msgs.received`, `called.recvmmsg`.
 * - `origin: "imtcp"`, name `imtcp(PORT)` (as configured, so `imtcp(0)` for a kernel-picked port): `submitted`.
 * - `origin: "core.queue"`, name `main Q`: `size` (waiting now), `enqueued`, `full`, `discarded.full`,
 *   `discarded.nf`, `maxqsize`.
 * - `origin: "core.action"`: `processed`, `failed`, `suspended`. `origin: "impstats"`, name `resource-usage`:
 *   `utime`/`stime` (µs), `maxrss` (KiB).
 */

export interface ImpstatsRecord {
  readonly name: string;
  readonly origin: string;
  /** The numeric counters of the object (nested objects such as dynstats' `values` are left out). */
  readonly counters: Readonly<Record<string, number>>;
}

/** One interval's records, keyed by `origin/name` (names alone repeat: dynstats and percentile are both "global"). */
export type ImpstatsSnapshot = ReadonlyMap<string, ImpstatsRecord>;

const keyOf = (r: ImpstatsRecord): string => `${r.origin}/${r.name}`;

/** One line of the file; null for anything that is not a counter object (a torn or foreign line). */
export function parseImpstatsLine(line: string): ImpstatsRecord | null {
  const brace = line.indexOf('{');
  if (brace < 0) return null;
  let value: unknown;
  try {
    value = JSON.parse(line.slice(brace));
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const o = value as Record<string, unknown>;
  if (typeof o.name !== 'string' || typeof o.origin !== 'string') return null;
  const counters: Record<string, number> = {};
  for (const [k, v] of Object.entries(o)) if (typeof v === 'number' && Number.isFinite(v)) counters[k] = v;
  return { name: o.name, origin: o.origin, counters };
}

/**
 * Feeds the file's text as it grows and hands back complete snapshots. A snapshot ends when a record repeats
 * (the next interval began); once the first snapshot has ended, the name of its last record marks the end of
 * every later one, so a snapshot is complete as soon as its last line is written, not an interval later.
 */
export class ImpstatsReader {
  #pending = '';
  #current = new Map<string, ImpstatsRecord>();
  #lastKey: string | null = null;
  /** Snapshots completed so far, oldest first. */
  readonly snapshots: ImpstatsSnapshot[] = [];
  /** Lines that were not counter objects. */
  skippedLines = 0;

  /** Snapshots completed plus the one being written, if it has begun: what "emitted so far" means. */
  get started(): number {
    return this.snapshots.length + (this.#current.size > 0 ? 1 : 0);
  }

  push(text: string): void {
    this.#pending += text;
    let nl = this.#pending.indexOf('\n');
    while (nl >= 0) {
      const line = this.#pending.slice(0, nl);
      this.#pending = this.#pending.slice(nl + 1);
      nl = this.#pending.indexOf('\n');
      if (line.trim() === '') continue;
      const record = parseImpstatsLine(line);
      if (record === null) {
        this.skippedLines++;
        continue;
      }
      this.#add(record);
    }
  }

  #add(record: ImpstatsRecord): void {
    const key = keyOf(record);
    if (this.#current.has(key)) this.#finish();
    this.#current.set(key, record);
    if (key === this.#lastKey) this.#finish();
  }

  #finish(): void {
    if (this.#current.size === 0) return;
    if (this.#lastKey === null) this.#lastKey = [...this.#current.keys()].pop()!;
    this.snapshots.push(this.#current);
    this.#current = new Map();
  }
}

/** What the benchmark reads from one snapshot. */
export interface BenchCounters {
  /** Datagrams imudp submitted, over all its listeners. */
  readonly udp: number;
  /** Frames imtcp submitted. */
  readonly tcp: number;
  /** Whether an imudp listener record for this port is present (rsyslog skips a port it cannot bind). */
  readonly udpListening: boolean;
  readonly tcpListening: boolean;
  /** Messages waiting in the main queue. */
  readonly queueSize: number;
  readonly queueMaxSize: number;
  /** Messages the main queue discarded (full, or below the discard severity). */
  readonly queueDiscarded: number;
  /** Sum of `processed` over all actions. */
  readonly actionsProcessed: number;
  /** rsyslogd's own maxrss, bytes (getrusage). */
  readonly maxRssBytes: number | null;
}

export function benchCounters(s: ImpstatsSnapshot, udpPort: number): BenchCounters {
  let udp = 0;
  let tcp = 0;
  let udpListening = false;
  let tcpListening = false;
  let actionsProcessed = 0;
  for (const r of s.values()) {
    const submitted = r.counters.submitted;
    if (r.origin === 'imudp' && submitted !== undefined) {
      udp += submitted;
      if (r.name.includes(`/${udpPort}/`)) udpListening = true;
    } else if (r.origin === 'imtcp' && submitted !== undefined) {
      tcp += submitted;
      tcpListening = true;
    } else if (r.origin === 'core.action') actionsProcessed += r.counters.processed ?? 0;
  }
  const q = s.get('core.queue/main Q')?.counters ?? {};
  const maxrss = s.get('impstats/resource-usage')?.counters.maxrss;
  return {
    udp,
    tcp,
    udpListening,
    tcpListening,
    queueSize: q.size ?? 0,
    queueMaxSize: q.maxqsize ?? 0,
    queueDiscarded: (q['discarded.full'] ?? 0) + (q['discarded.nf'] ?? 0),
    actionsProcessed,
    maxRssBytes: maxrss === undefined ? null : maxrss * 1024,
  };
}

/**
 * rsyslog is done with everything it was sent when two consecutive snapshots count the same input, the same
 * action work, and the main queue is empty.
 */
export function settled(previous: BenchCounters, next: BenchCounters): boolean {
  return (
    next.queueSize === 0 &&
    next.udp === previous.udp &&
    next.tcp === previous.tcp &&
    next.actionsProcessed === previous.actionsProcessed &&
    next.queueDiscarded === previous.queueDiscarded
  );
}
