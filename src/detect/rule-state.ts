import { LRUCache } from 'lru-cache';

/**
 * lru-cache's TTL clock, driven by the messages: it reads the receive time of the message being processed, so
 * idle expiry follows the same clock as the windows (in replay, the lines' own times) and tests need no timers.
 * lru-cache treats a start time of 0 as "no TTL", hence the offset of 1 ms (ages are unaffected).
 */
class MessageClock {
  current = 1;
  set(now: number): void {
    this.current = now + 1;
  }
  now(): number {
    return this.current;
  }
}

/**
 * The per-key state of one rule, bounded two ways: at most `maxKeys` keys (the least recently matched key is
 * evicted beyond that, and counted), and a key idle for `idleMs` (the rule's window, or resolveAfter for
 * keyword rules) expires: its state could no longer change a decision. Expired keys are dropped when touched
 * or by `purgeStale`, which the detector runs periodically.
 */
export class RuleState<V extends object> {
  readonly #clock = new MessageClock();
  readonly #cache: LRUCache<string, V>;
  #evictions = 0;

  constructor(maxKeys: number, idleMs: number) {
    this.#cache = new LRUCache<string, V>({
      max: maxKeys,
      ttl: idleMs,
      ttlResolution: 0, // read the clock on every check; the default caches it behind a timer per call
      updateAgeOnGet: true,
      perf: this.#clock,
      dispose: (_value, _key, reason) => {
        if (reason === 'evict') this.#evictions++;
      },
    });
  }

  /** The key's state at `now`, or undefined when it has none (never seen, evicted or idle past expiry). */
  get(key: string, now: number): V | undefined {
    this.#clock.set(now);
    return this.#cache.get(key);
  }

  set(key: string, value: V, now: number): void {
    this.#clock.set(now);
    this.#cache.set(key, value);
  }

  /** Drops every key idle past the expiry at `now`. O(keys). */
  purgeStale(now: number): void {
    this.#clock.set(now);
    this.#cache.purgeStale();
  }

  /** Keys held now (expired keys count until touched or purged). */
  get size(): number {
    return this.#cache.size;
  }

  /** Keys evicted because the rule held `maxKeys` keys. */
  get evictions(): number {
    return this.#evictions;
  }
}
