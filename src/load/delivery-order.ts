/**
 * Did Slack get every incident, once and in order? Compares the incident events the appliance emitted (its
 * console lines) with the Slack calls that succeeded, read from each message's notification text
 * (`🚨 Firing: <rule> <key>: <count> matches`). Pure, so a wrong delivery can be constructed and tested.
 *
 * Per incident (one incident per rule and key, as the load scenario sends them):
 * - exactly one chat.postMessage, and every chat.update edits that message (its ts) and comes after it;
 * - what the calls show never goes backwards: the count never drops, and nothing follows a Resolved state
 *   except Resolved (fired before updated before resolved);
 * - the last call shows the incident's last event: resolved if it resolved, with its final count;
 * - the messages were posted in the order the incidents fired.
 * Each call renders the incident as it is when sent, so one that fired and resolved during an outage may
 * arrive as a single post that already says Resolved: that is in order, not a loss.
 */
import { keyText } from '../notify/slack/incident-message.js';

export interface IncidentEventLine {
  readonly event: string;
  readonly incident: string;
  readonly rule: string;
  readonly key: Readonly<Record<string, string>>;
  readonly count: number;
}

export interface DeliveredCall {
  readonly method: string;
  /** The message: the ts Slack answered for a post, the ts edited for an update. */
  readonly ts: string;
  readonly text: string;
}

export interface DeliveryReport {
  readonly incidents: number;
  readonly posts: number;
  readonly updates: number;
  readonly problems: readonly string[];
}

type Shown = { readonly resolved: boolean; readonly rule: string; readonly key: string; readonly count: number };

const TEXT = /^(?<label>[^:]*?(Firing|Acknowledged|Muted|Resolved)): (?<rule>\S+) (?<key>.*): (?<count>\d+) match(?:es)?$/u;

/** What a message's notification text shows, or null when it is not an incident message. */
export function shownIn(text: string): Shown | null {
  const m = TEXT.exec(text);
  if (m?.groups === undefined) return null;
  return { resolved: m.groups.label!.endsWith('Resolved'), rule: m.groups.rule!, key: m.groups.key!, count: Number(m.groups.count) };
}

export function checkDelivery(events: readonly IncidentEventLine[], calls: readonly DeliveredCall[]): DeliveryReport {
  const problems: string[] = [];
  // The incidents that were notified (fired), in firing order, with their last event.
  const fired: string[] = [];
  const last = new Map<string, IncidentEventLine>();
  const idOf = new Map<string, string>();
  for (const e of events) {
    const name = `${e.rule} ${keyText(e.key)}`;
    const known = idOf.get(name);
    if (known !== undefined && known !== e.incident) {
      problems.push(`${name}: two incidents (${known}, ${e.incident}); the check needs one incident per key`);
      continue;
    }
    idOf.set(name, e.incident);
    if (e.event === 'fired') fired.push(name);
    if (e.event === 'fired' || e.event === 'updated' || e.event === 'resolved') last.set(name, e);
  }

  const shown = new Map<string, { call: DeliveredCall; shown: Shown }[]>();
  const postOrder: string[] = [];
  let posts = 0;
  let updates = 0;
  for (const call of calls) {
    const s = shownIn(call.text);
    if (s === null) {
      problems.push(`a ${call.method} whose text is not an incident message: ${JSON.stringify(call.text.slice(0, 80))}`);
      continue;
    }
    const name = `${s.rule} ${s.key}`;
    const list = shown.get(name) ?? [];
    list.push({ call, shown: s });
    shown.set(name, list);
    if (call.method === 'chat.postMessage') {
      posts++;
      postOrder.push(name);
    } else updates++;
  }

  for (const name of fired) {
    const list = shown.get(name) ?? [];
    const postsFor = list.filter((x) => x.call.method === 'chat.postMessage');
    if (postsFor.length !== 1) {
      problems.push(`${name}: posted ${postsFor.length} times (want 1)`);
      if (postsFor.length === 0) continue;
    }
    if (list[0]!.call.method !== 'chat.postMessage') problems.push(`${name}: edited before it was posted`);
    const ts = postsFor[0]!.call.ts;
    const elsewhere = list.filter((x) => x.call.method === 'chat.update' && x.call.ts !== ts).length;
    if (elsewhere > 0) problems.push(`${name}: ${elsewhere} edits of another message than the one posted (${ts})`);
    for (let i = 1; i < list.length; i++) {
      const [a, b] = [list[i - 1]!.shown, list[i]!.shown];
      if (b.count < a.count) problems.push(`${name}: call ${i + 1} shows ${b.count} matches after ${a.count}`);
      if (a.resolved && !b.resolved) problems.push(`${name}: call ${i + 1} shows it firing again after Resolved`);
    }
    const final = list.at(-1)!.shown;
    const want = last.get(name)!;
    const wantResolved = want.event === 'resolved';
    if (final.resolved !== wantResolved || final.count !== want.count) {
      problems.push(`${name}: Slack last shows ${final.resolved ? 'Resolved' : 'open'} with ${final.count} matches; the last event was ${want.event} with ${want.count}`);
    }
  }
  for (const name of shown.keys()) if (!fired.includes(name)) problems.push(`${name}: in Slack, but it never fired`);
  const firstPosts = postOrder.filter((n, i) => postOrder.indexOf(n) === i && fired.includes(n));
  const firedPosted = fired.filter((n) => firstPosts.includes(n));
  if (firstPosts.join('\n') !== firedPosted.join('\n')) problems.push(`posted in the order ${firstPosts.join(', ')}; fired in the order ${firedPosted.join(', ')}`);

  return { incidents: fired.length, posts, updates, problems };
}
