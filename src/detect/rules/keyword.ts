/**
 * `type: keyword`: a line containing any keyword (or matching any pattern) is a hit. Per key the rule is a
 * two-state machine: NORMAL → ALERT on the first hit, further hits stay in ALERT (the same incident, counted),
 * ALERT → NORMAL after `resolveAfter` without hits. The key's state is its episode (hits since the first one)
 * and expires after `resolveAfter` of quiet, so the next hit starts a new episode at count 1. Every hit emits
 * a Signal with firing=true; the alert manager opens the incident on the first and only updates it after that,
 * so a burst of lines is one alert, never one per line.
 *
 * All keywords and patterns are one compiled alternation: one scan per line, however many keywords. It runs
 * on the message text and, when that has no hit, on the program name: Cisco IOS mnemonics such as
 * `%SYS-5-CONFIG_I` stand where BSD syslog has the program name, and the parser reads them as the appname.
 */
import type { CompiledKeywordRule } from '../../config/rules-schema.js';
import type { ReceivedMessage } from '../../pipeline/types.js';
import { GroupKeyer } from '../group-key.js';
import { type Captures, Matcher, NO_CAPTURES, matchText } from '../match.js';
import { RuleState } from '../rule-state.js';
import type { RuleStats, Signal } from '../types.js';
import { type RuleRunner, fieldsOf, sampleOf } from './rule-runner.js';

/** One key's current episode. */
class Episode {
  hits = 0;
  lastAt = 0;
}

export class KeywordRule implements RuleRunner {
  readonly #matcher: Matcher;
  readonly #scan: RegExp;
  readonly #keyer: GroupKeyer;
  readonly #state: RuleState<Episode>;
  readonly #onSignal: (signal: Signal) => void;
  #matches = 0;

  constructor(
    readonly rule: CompiledKeywordRule,
    onSignal: (signal: Signal) => void,
  ) {
    this.#matcher = new Matcher(rule.match);
    this.#scan = rule.scan;
    this.#keyer = new GroupKeyer(rule.name, rule.groupBy);
    this.#state = new RuleState(rule.maxKeys, rule.resolveAfterMs);
    this.#onSignal = onSignal;
  }

  process(m: ReceivedMessage, at: number, text: string = matchText(m)): void {
    const filtered = this.#matcher.match(m, text);
    if (filtered === null) return;
    let hit = this.#scan.exec(text);
    if (hit === null) {
      const app = m.syslog.appname;
      if (app === null || (hit = this.#scan.exec(app)) === null) return;
    }
    this.#matches++;
    const captures: Captures = hit.groups === undefined ? filtered : filtered === NO_CAPTURES ? hit.groups : { ...filtered, ...hit.groups };
    const values = this.#keyer.values(m, captures);
    const fingerprint = this.#keyer.fingerprint(values);
    let episode = this.#state.get(fingerprint, at);
    if (episode === undefined) {
      episode = new Episode();
      this.#state.set(fingerprint, episode, at);
    } else if (at - episode.lastAt >= this.rule.resolveAfterMs) {
      episode.hits = 0; // quiet for exactly resolveAfter: the incident resolved, this hit opens the next one
    }
    episode.hits++;
    episode.lastAt = at;
    const rule = this.rule;
    const fields = fieldsOf(m, rule.captures, captures);
    fields.keyword = hit[0].slice(0, 256);
    this.#onSignal({
      rule: rule.name,
      ruleType: 'keyword',
      fingerprint,
      key: this.#keyer.key(values),
      at,
      firstAt: at,
      count: episode.hits,
      firing: true,
      threshold: 1,
      windowMs: rule.resolveAfterMs,
      resolveAfterMs: rule.resolveAfterMs,
      fields,
      sample: sampleOf(m),
      channel: rule.channel,
    });
  }

  purgeStale(now: number): void {
    this.#state.purgeStale(now);
  }

  stats(): RuleStats {
    const s = this.#state;
    return { rule: this.rule.name, ruleType: 'keyword', matches: this.#matches, firing: this.#matches, trackedKeys: s.size, evictions: s.evictions };
  }
}
