/**
 * Messages per host for the digest: a pipeline stage that bumps one Map entry per message. Bounded: at most
 * `maxHosts` hosts are tracked; messages from hosts beyond that are counted together as "other hosts".
 * take() hands over the counts and starts afresh (after each digest).
 */
import type { MessageStage, ReceivedMessage } from '../pipeline/types.js';

/** Longer host values (a hostile or garbled header) are cut to this many characters before counting. */
const MAX_HOST_CHARS = 255;

export interface HostCounts {
  /** Every message counted, tracked hosts and others. */
  readonly total: number;
  /** Messages per tracked host (at most maxHosts entries). */
  readonly hosts: ReadonlyMap<string, number>;
  /** Messages from hosts first seen after the map was full. */
  readonly otherMessages: number;
}

export class HostCounter implements MessageStage {
  readonly name = 'digest-hosts';
  readonly maxHosts: number;
  #hosts = new Map<string, number>();
  #total = 0;
  #other = 0;

  constructor(maxHosts: number) {
    if (!Number.isInteger(maxHosts) || maxHosts < 1) throw new RangeError(`maxHosts must be a positive integer, got ${maxHosts}`);
    this.maxHosts = maxHosts;
  }

  // Hot path: one Map lookup and one store; a string is copied only the first time a host is seen.
  process(message: ReceivedMessage): void {
    this.count(message.host);
  }

  count(host: string): void {
    this.#total++;
    const key = host.length > MAX_HOST_CHARS ? host.slice(0, MAX_HOST_CHARS) : host;
    const n = this.#hosts.get(key);
    if (n !== undefined) this.#hosts.set(key, n + 1);
    else if (this.#hosts.size < this.maxHosts) this.#hosts.set(ownCopy(key), 1);
    else this.#other++;
  }

  /** Counts since the last take() (or construction), without resetting. */
  peek(): HostCounts {
    return { total: this.#total, hosts: this.#hosts, otherMessages: this.#other };
  }

  /** Returns the counts and resets them. */
  take(): HostCounts {
    const counts = this.peek();
    this.#hosts = new Map();
    this.#total = 0;
    this.#other = 0;
    return counts;
  }
}

/**
 * A host name may be a slice of the whole received line; keeping the slice as a Map key would keep the line
 * (up to 64 KiB) alive until the next digest. A JSON round trip makes a string of its own, code unit for code
 * unit (lone surrogates included), so later lookups with the original still find it.
 */
function ownCopy(s: string): string {
  return JSON.parse(JSON.stringify(s)) as string;
}
