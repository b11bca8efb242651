/**
 * Mutes (Alertmanager's silences). State is derived from the clock (`muteState`), never stored, so a mute
 * ends on time even if no timer fires. Expiring sets `endsAt = now` and never deletes; `gc` removes mutes
 * that ended more than the retention ago. At most `maxMutes` are stored: at the cap, the longest-expired
 * mutes make room first, and a new mute is refused when all are pending or active.
 */
import { compileMatcher, matcherProblems, matchesAll, MAX_MATCHERS, type CompiledMatcher } from './mute-matcher.js';
import type { GroupKey } from '../detect/types.js';
import type { Mute, MuteInput, MuteResult, MuteState, MuteView } from './types.js';

export const MAX_COMMENT_CHARS = 1000;
export const MAX_CREATED_BY_CHARS = 200;

export const muteState = (m: Mute, now: number): MuteState => (now < m.startsAt ? 'pending' : now < m.endsAt ? 'active' : 'expired');

export interface MuteStoreOptions {
  readonly maxMutes: number;
  readonly newId: () => string;
  /** Whether a matcher name other than 'rule' is a group-by field of some rule. */
  readonly isKnownField: (name: string) => boolean;
}

interface Entry {
  mute: Mute;
  readonly matchers: readonly CompiledMatcher[];
}

export class MuteStore {
  /** id → entry, in creation order. */
  readonly #mutes = new Map<string, Entry>();

  constructor(private readonly options: MuteStoreOptions) {}

  add(input: MuteInput, now: number): MuteResult {
    const startsAt = input.startsAt ?? now;
    const problems = muteProblems({ ...input, startsAt }, this.options.isKnownField);
    if (input.endsAt <= now) problems.push('endsAt: must be in the future');
    if (problems.length > 0) return { ok: false, problems };
    if (this.#mutes.size >= this.options.maxMutes) this.#makeRoom(now);
    if (this.#mutes.size >= this.options.maxMutes) {
      return { ok: false, problems: [`too many mutes: ${this.options.maxMutes} are pending or active (alerting.maxMutes)`] };
    }
    const mute: Mute = Object.freeze({
      id: this.options.newId(),
      matchers: Object.freeze(input.matchers.map((m) => Object.freeze({ name: m.name, value: m.value, isRegex: m.isRegex }))),
      startsAt,
      endsAt: input.endsAt,
      createdBy: input.createdBy,
      comment: input.comment ?? '',
      createdAt: now,
    });
    this.#mutes.set(mute.id, { mute, matchers: mute.matchers.map(compileMatcher) });
    return { ok: true, mute };
  }

  /** Expire now: endsAt = now (a pending mute also gets startsAt = now). Idempotent; null if unknown. */
  expire(id: string, now: number): Mute | null {
    const entry = this.#mutes.get(id);
    if (entry === undefined) return null;
    const m = entry.mute;
    if (muteState(m, now) === 'expired') return m;
    entry.mute = Object.freeze({ ...m, startsAt: Math.min(m.startsAt, now), endsAt: now });
    return entry.mute;
  }

  get(id: string): Mute | undefined {
    return this.#mutes.get(id)?.mute;
  }

  list(now: number): MuteView[] {
    return [...this.#mutes.values()].map(({ mute }) => ({ mute, state: muteState(mute, now) }));
  }

  /** The first mute active at `now` whose matchers all match, or undefined. */
  matching(rule: string, key: GroupKey, now: number): Mute | undefined {
    for (const { mute, matchers } of this.#mutes.values()) {
      if (muteState(mute, now) === 'active' && matchesAll(matchers, rule, key)) return mute;
    }
    return undefined;
  }

  /** Removes mutes that ended at least `retentionMs` ago; returns how many. */
  gc(now: number, retentionMs: number): number {
    let removed = 0;
    for (const [id, { mute }] of this.#mutes) {
      if (mute.endsAt + retentionMs <= now) {
        this.#mutes.delete(id);
        removed++;
      }
    }
    return removed;
  }

  snapshot(): Mute[] {
    return [...this.#mutes.values()].map((e) => e.mute);
  }

  /** Replaces the content with persisted mutes, which `muteProblems` has accepted (the state file checks). */
  restore(mutes: readonly Mute[]): void {
    this.#mutes.clear();
    for (const m of mutes) this.#mutes.set(m.id, { mute: Object.freeze({ ...m }), matchers: m.matchers.map(compileMatcher) });
  }

  /** Drops expired mutes, the longest-ended first, until there is room for one. */
  #makeRoom(now: number): void {
    const expired = [...this.#mutes.values()].filter((e) => muteState(e.mute, now) === 'expired').sort((a, b) => a.mute.endsAt - b.mute.endsAt);
    for (const e of expired) {
      if (this.#mutes.size < this.options.maxMutes) break;
      this.#mutes.delete(e.mute.id);
    }
  }
}

/**
 * Every problem with a mute's fields (times, matchers, author, comment); empty when valid. `stored`: a mute
 * read back from the state file, which may have been expired before it started (then endsAt = startsAt).
 */
export function muteProblems(
  m: Omit<MuteInput, 'startsAt'> & { readonly startsAt: number },
  isKnownField: (name: string) => boolean,
  stored = false,
): string[] {
  const problems: string[] = [];
  if (!Number.isFinite(m.startsAt) || !Number.isFinite(m.endsAt)) problems.push('startsAt, endsAt: must be finite epoch milliseconds');
  else if (stored ? m.endsAt < m.startsAt : m.endsAt <= m.startsAt) problems.push('endsAt: must be after startsAt');
  if (m.matchers.length === 0) problems.push('matchers: at least one is required');
  if (m.matchers.length > MAX_MATCHERS) problems.push(`matchers: at most ${MAX_MATCHERS}`);
  m.matchers.forEach((matcher, i) => problems.push(...matcherProblems(matcher, i, isKnownField)));
  if (m.createdBy.trim() === '') problems.push('createdBy: must not be empty');
  if (m.createdBy.length > MAX_CREATED_BY_CHARS) problems.push(`createdBy: longer than ${MAX_CREATED_BY_CHARS} characters`);
  if ((m.comment ?? '').length > MAX_COMMENT_CHARS) problems.push(`comment: longer than ${MAX_COMMENT_CHARS} characters`);
  return problems;
}
