/**
 * The per-key state of a baseline rule and its bounded container.
 *
 * A key's intervals start at its own first line (not at clock multiples) and follow each other back to back.
 * Completed intervals are folded into the EWMA lazily, when the key is next seen or at the periodic purge:
 * the interval in progress with its count, every interval after it without a line as a zero. No timer per key.
 * An interval that reached the threshold is learned as its limit, not its count (winsorised): one surge does
 * not teach the key that surges are normal, so a surge that lasts keeps firing for a while, and a new level
 * that lasts is still learned, over about ten intervals with the defaults.
 */
import type { BaselineSettings } from '../../config/baseline-schema.js';
import type { GroupKey } from '../types.js';
import { foldValue, foldZeros, limitOf, type EwmaState } from './ewma.js';

/** The settings the per-key arithmetic uses. */
export type BaselineMath = Pick<BaselineSettings, 'intervalMs' | 'alpha' | 'sigma' | 'warmup' | 'minCount'>;

/** One key as baselines.json keeps it (baseline-store.ts). */
export interface SavedBaselineKey {
  readonly key: Readonly<Record<string, string>>;
  readonly mean: number;
  readonly variance: number;
  readonly intervals: number;
  readonly intervalStart: number;
  readonly count: number;
  readonly firstAt: number;
  readonly lastAt: number;
}

export class KeyBaseline implements EwmaState {
  mean = 0;
  variance = 0;
  intervals = 0;
  /** Matching lines in the interval in progress, which began at intervalStart. */
  count = 0;
  /** The first line of the interval in progress (meaningful while count > 0). */
  firstAt: number;
  /** The key's latest line: it is forgotten forgetAfter later. */
  lastAt: number;

  constructor(
    readonly key: GroupKey,
    public intervalStart: number,
  ) {
    this.firstAt = intervalStart;
    this.lastAt = intervalStart;
  }

  /** Past the warm-up: the smallest count of an interval that fires, above mean + sigma·σ and at least minCount. */
  threshold(m: BaselineMath): number {
    return Math.max(m.minCount, Math.floor(limitOf(this, m.sigma)) + 1);
  }

  /** Folds every interval that ended by `now` (the one in progress, then zeros) and moves to the current one. */
  advance(now: number, m: BaselineMath): void {
    const elapsed = now - this.intervalStart;
    if (elapsed < m.intervalMs) return; // also when time went backwards: the line counts in the current interval
    const ended = Math.floor(elapsed / m.intervalMs);
    const fired = this.intervals >= m.warmup && this.count >= this.threshold(m);
    foldValue(this, fired ? limitOf(this, m.sigma) : this.count, m.alpha);
    if (ended > 1) foldZeros(this, ended - 1, m.alpha);
    this.intervalStart += ended * m.intervalMs;
    this.count = 0;
  }
}

/**
 * At most `maxKeys` keys in a Map whose insertion order is the order of last use: beyond the cap the least
 * recently matched key is evicted (and counted); a key without a line for `forgetAfterMs` is dropped when
 * touched or purged (not counted: it expired).
 */
export class BaselineKeys {
  readonly #map = new Map<string, KeyBaseline>();
  #evictions = 0;

  constructor(
    readonly maxKeys: number,
    readonly forgetAfterMs: number,
  ) {}

  /** The key's state, marked as most recently used; undefined when unknown or forgotten at `now`. */
  get(fingerprint: string, now: number): KeyBaseline | undefined {
    const k = this.#map.get(fingerprint);
    if (k === undefined) return undefined;
    this.#map.delete(fingerprint);
    if (now - k.lastAt >= this.forgetAfterMs) return undefined;
    this.#map.set(fingerprint, k);
    return k;
  }

  /** Adds a key as the most recently used one, evicting the least recently used beyond maxKeys. */
  add(fingerprint: string, k: KeyBaseline): void {
    this.#map.delete(fingerprint);
    this.#map.set(fingerprint, k);
    if (this.#map.size > this.maxKeys) {
      const oldest = this.#map.keys().next().value as string;
      this.#map.delete(oldest);
      this.#evictions++;
    }
  }

  /** Drops keys forgotten at `now` and hands every other key to `visit` (least recently used first). O(keys). */
  purge(now: number, visit: (k: KeyBaseline) => void): void {
    for (const [fingerprint, k] of this.#map) {
      if (now - k.lastAt >= this.forgetAfterMs) this.#map.delete(fingerprint);
      else visit(k);
    }
  }

  /** Every key, least recently used first. */
  values(): IterableIterator<KeyBaseline> {
    return this.#map.values();
  }

  get size(): number {
    return this.#map.size;
  }

  get evictions(): number {
    return this.#evictions;
  }
}
