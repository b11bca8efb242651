/**
 * The simulator's seeded randomness: mulberry32 (a 32-bit state, good enough spread for test traffic, not for
 * anything secret) behind a few helpers. The same seed gives the same sequence on every machine, so a run is
 * reproducible with `--seed N`.
 */

/** Mulberry32: returns a function yielding numbers in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Random {
  readonly #next: () => number;

  constructor(seed: number) {
    this.#next = mulberry32(seed);
  }

  /** A number in [0, 1). */
  next(): number {
    return this.#next();
  }

  /** An integer in [lo, hi], both included. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.#next() * (hi - lo + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.#next() * items.length)]!;
  }

  chance(p: number): boolean {
    return this.#next() < p;
  }

  /** One entry of `[weight, value]` pairs, with probability proportional to its weight. */
  weighted<T>(entries: readonly (readonly [number, T])[]): T {
    let total = 0;
    for (const [w] of entries) total += w;
    let r = this.#next() * total;
    for (const [w, value] of entries) {
      if (r < w) return value;
      r -= w;
    }
    return entries[entries.length - 1]![1];
  }

  /** A public-looking IPv4 address (never loopback, never RFC 1918: it plays an outside client). */
  publicIpv4(): string {
    return `${this.pick([45, 91, 103, 141, 178, 185, 193, 203, 212])}.${this.int(0, 255)}.${this.int(0, 255)}.${this.int(1, 254)}`;
  }

  /** An address on the home LAN. */
  lanIpv4(): string {
    return `192.168.1.${this.int(2, 254)}`;
  }

  mac(): string {
    return Array.from({ length: 6 }, () => this.int(0, 255).toString(16).padStart(2, '0')).join(':');
  }
}
