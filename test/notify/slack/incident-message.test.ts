import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Incident, Mute } from '../../../src/alert/types.js';
import { ACTION_ACK, ACTION_MUTE_1H, ACTION_MUTE_24H, ACTION_UNMUTE, ACTIONS_BLOCK_ID } from '../../../src/notify/slack/action-ids.js';
import { escapeMrkdwn, plainText, printable, truncate } from '../../../src/notify/slack/escape.js';
import { actorText, incidentMessage, incidentStatus, keyText, parseUnmuteValue, slackDate, unmuteValue, type SlackMessage } from '../../../src/notify/slack/incident-message.js';

const T = Date.UTC(2026, 0, 1, 12, 0, 0);
const WJ = '\u2060';
/** Everything a log line could use to mention, broadcast or disguise a link in Slack. */
const EVIL = '<!channel> <https://example.com|click> <@U123> <!here> @everyone &';
const EVIL_ESCAPED = `&lt;!channel&gt; &lt;https://example.com|click&gt; &lt;@U123&gt; &lt;!here&gt; @${WJ}everyone &amp;`;

const base: Incident = {
  id: 'inc-1',
  fingerprint: 'ssh|203.0.113.5',
  rule: 'ssh_invalid_user',
  ruleType: 'threshold',
  key: { ip: '203.0.113.5' },
  state: 'open',
  count: 7,
  threshold: 5,
  windowMs: 60_000,
  resolveAfterMs: 300_000,
  firstSeen: T,
  lastSeen: T + 30_000,
  resolvedAt: null,
  distinct: { user: ['admin', 'root'] },
  samples: ['sshd[1]: Invalid user admin from 203.0.113.5'],
  ackedBy: null,
  ackedAt: null,
  channel: null,
  refs: {},
};
const incident = (over: Partial<Incident> = {}): Incident => ({ ...base, ...over });
const mute = (over: Partial<Mute> = {}): Mute => ({
  id: 'mute-0001-aaaa',
  matchers: [{ name: 'ip', value: '203.0.113.5', isRegex: false }],
  startsAt: T,
  endsAt: T + 3_600_000,
  createdBy: 'slack:U0HUMAN',
  comment: '',
  createdAt: T,
  ...over,
});

interface TextObject {
  type: 'mrkdwn' | 'plain_text';
  text: string;
}

/** Every text composition object in the blocks (section text and fields, context elements, header, buttons). */
function textObjects(value: unknown, out: TextObject[] = []): TextObject[] {
  if (Array.isArray(value)) for (const v of value) textObjects(v, out);
  else if (typeof value === 'object' && value !== null) {
    const o = value as Record<string, unknown>;
    if ((o.type === 'mrkdwn' || o.type === 'plain_text') && typeof o.text === 'string') out.push(o as unknown as TextObject);
    else for (const v of Object.values(o)) textObjects(v, out);
  }
  return out;
}
const mrkdwnTexts = (m: SlackMessage) => textObjects(m.blocks).filter((t) => t.type === 'mrkdwn').map((t) => t.text);
const plainTexts = (m: SlackMessage) => textObjects(m.blocks).filter((t) => t.type === 'plain_text').map((t) => t.text);

/** Removes what the renderer itself may generate: dates and mentions of Slack user IDs it was given. */
const withoutOwnMarkup = (s: string) => s.replace(/<!date\^\d+\^\{date_short_pretty\} \{time_secs\}\|[0-9T:.Z-]+>/g, '').replace(/<@[UW][A-Z0-9]+>/g, '');

/** The message with the plain_text objects' text removed (they are not parsed by Slack) as JSON. */
function jsonWithoutPlainText(m: SlackMessage): string {
  return JSON.stringify(m, (_k, v: unknown) => {
    if (typeof v === 'object' && v !== null && (v as { type?: unknown }).type === 'plain_text') return { type: 'plain_text', text: '' };
    return v;
  });
}

const evilIncident = (over: Partial<Incident> = {}) =>
  incident({
    rule: `rule ${EVIL}`,
    key: { host: `web01 ${EVIL}`, ip: '203.0.113.5' },
    distinct: { user: [EVIL, 'root'], [`field ${EVIL}`]: ['x'] },
    samples: [`sshd: Invalid user ${EVIL} from 203.0.113.5`, 'second line'],
    ...over,
  });

describe('incidentMessage: untrusted text is inert', () => {
  const cases: [string, Incident, Mute | null][] = [
    ['firing', evilIncident(), null],
    ['acknowledged by a Slack user', evilIncident({ ackedBy: 'slack:U0HUMAN', ackedAt: T + 60_000 }), null],
    ['acknowledged by a non-Slack actor', evilIncident({ ackedBy: `cli:${EVIL}`, ackedAt: T + 60_000 }), null],
    ['muted with a hostile comment', evilIncident(), mute({ comment: EVIL })],
    ['muted by a non-Slack actor', evilIncident(), mute({ createdBy: `api:${EVIL}` })],
    ['resolved', evilIncident({ state: 'resolved', resolvedAt: T + 400_000 }), null],
  ];

  it.each(cases)('%s: every mrkdwn object and the text escape <, > and &; no raw <!, <@ or <http outside plain_text', (_what, inc, m) => {
    const msg = incidentMessage(inc, m);
    const mrkdwn = mrkdwnTexts(msg);
    expect(mrkdwn.length).toBeGreaterThanOrEqual(7);
    for (const text of [msg.text, ...mrkdwn]) {
      // Nothing left that Slack could parse as a control sequence, once the renderer's own markup is removed.
      expect(withoutOwnMarkup(text)).not.toMatch(/[<>]/);
      expect(text).not.toMatch(/&(?!amp;|lt;|gt;)/); // every & is the start of an entity
    }
    const json = withoutOwnMarkup(jsonWithoutPlainText(msg));
    expect(json).not.toContain('<!');
    expect(json).not.toContain('<@');
    expect(json).not.toContain('<http');
    expect(json).not.toMatch(/@(channel|here|everyone)/);
    // the hostile text is shown, escaped, where it was put
    const all = mrkdwn.join('\n');
    expect(all).toContain(`*Key*\nhost=web01 ${EVIL_ESCAPED} ip=203.0.113.5`);
    expect(all).toContain(`*Rule*\nrule ${EVIL_ESCAPED} (threshold)`);
    // distinct values are cut to 64 characters before escaping
    expect(all).toContain(`*user* (2): &lt;!channel&gt; &lt;https://example.com|click&gt; &lt;@U123&gt; &lt;!here&gt; @everyon…, root`);
    expect(all).toContain(`\`\`\`sshd: Invalid user ${EVIL_ESCAPED} from 203.0.113.5\nsecond line\`\`\``);
    expect(all).toContain(`*field ${EVIL_ESCAPED}* (1): x`);
    expect(msg.text).toContain(EVIL_ESCAPED.slice(0, 40));
  });

  it('the renderer generates only dates and the acker / mute author mentions from slack: IDs', () => {
    const msg = incidentMessage(evilIncident({ ackedBy: 'slack:U0HUMAN', ackedAt: T + 60_000 }), null);
    const json = jsonWithoutPlainText(msg);
    const raw = [...json.matchAll(/<[!@][^>]*>/g)].map((x) => x[0]);
    expect(raw.filter((s) => s.startsWith('<@'))).toEqual(['<@U0HUMAN>']);
    expect(raw.every((s) => s === '<@U0HUMAN>' || s.startsWith('<!date^'))).toBe(true);
    expect(raw.filter((s) => s.startsWith('<!date^'))).toHaveLength(3); // first seen, last seen, acknowledged at
  });

  it('a hostile mute comment and a non-Slack author are escaped in the status line', () => {
    const msg = incidentMessage(incident(), mute({ comment: EVIL, createdBy: 'cli:<@U999>' }));
    const status = mrkdwnTexts(msg).find((t) => t.startsWith('Muted until'))!;
    expect(status).toContain(`by cli:&lt;@U999&gt; (“${EVIL_ESCAPED}”)`);
  });

  it('samples go out escaped in a mrkdwn code block (a code block alone would not neutralise <!channel>), one line each', () => {
    const msg = incidentMessage(evilIncident(), null);
    const i = msg.blocks.findIndex((b) => b.type === 'context' && JSON.stringify(b).includes('Sample lines (2 of 7)'));
    expect(i).toBeGreaterThan(0);
    const samples = msg.blocks[i + 1] as { type: string; text: TextObject };
    expect(samples.type).toBe('section');
    expect(samples.text).toEqual({
      type: 'mrkdwn',
      verbatim: true,
      text: `\`\`\`sshd: Invalid user ${EVIL_ESCAPED} from 203.0.113.5\nsecond line\`\`\``,
    });
    expect(samples.text.text).not.toMatch(/@(channel|here|everyone)\b/);
  });

  it('a sample cannot close the code block early', () => {
    const msg = incidentMessage(incident({ samples: ['a ``` <!here> ```b'] }), null);
    const text = mrkdwnTexts(msg).find((t) => t.startsWith('```'))!;
    expect(text.match(/```/g)).toHaveLength(2);
    expect(text.startsWith('```') && text.endsWith('```')).toBe(true);
    expect(text).toContain('&lt;!here&gt;');
  });

  it('plain_text objects (header, buttons) are not escaped, but bare broadcasts in them are broken with U+2060', () => {
    const msg = incidentMessage(evilIncident(), null);
    for (const t of plainTexts(msg)) expect(t).not.toMatch(/@(channel|here|everyone)\b/);
    expect(plainTexts(msg)[0]).toBe(`🚨 Firing: rule <!channel> <https://example.com|click> <@U123> <!here> @${WJ}everyone &`);
  });

  it('the header is plain_text: the rule name is not escaped, but bare broadcasts are broken', () => {
    const msg = incidentMessage(incident({ rule: 'rule @here & <b>' }), null);
    const header = msg.blocks[0] as { type: string; text: { type: string; text: string } };
    expect(header.type).toBe('header');
    expect(header.text).toMatchObject({ type: 'plain_text', text: `🚨 Firing: rule @${WJ}here & <b>` });
  });

  it('a log line cannot smuggle an entity: & is escaped first', () => {
    expect(escapeMrkdwn('&lt;!channel&gt;')).toBe('&amp;lt;!channel&amp;gt;');
    const msg = incidentMessage(incident({ key: { host: '&lt;!here&gt;' } }), null);
    expect(mrkdwnTexts(msg)).toContain('*Key*\nhost=&amp;lt;!here&amp;gt;');
  });

  it('C1 controls and bidirectional overrides are replaced, so a line cannot read backwards', () => {
    const msg = incidentMessage(incident({ samples: ['user \u202eadmin\u202c logged in \u0085 \u2066x\u2069'] }), null);
    const all = mrkdwnTexts(msg).join('\n');
    expect(all).toContain('user \ufffdadmin\ufffd logged in \ufffd \ufffdx\ufffd');
    expect(all).not.toMatch(/[\u202a-\u202e\u2066-\u2069\u0080-\u009f]/);
  });

  it('control characters in key values, distinct values and samples are replaced (tab kept)', () => {
    const msg = incidentMessage(
      incident({ key: { host: 'web\u000001\nfake' }, distinct: { user: ['a\u001b[31mred'] }, samples: ['line\rone\ttab\u007f', 'two'] }),
      null,
    );
    const all = mrkdwnTexts(msg).join('\n');
    expect(all).toContain('host=web\ufffd01\ufffdfake');
    expect(all).toContain('a\ufffd[31mred');
    expect(mrkdwnTexts(msg)).toContain('```line\ufffdone\ttab\ufffd\ntwo```'); // one line per sample
  });
});

describe('incidentMessage: Slack limits', () => {
  it('cuts the header to 150 characters', () => {
    const msg = incidentMessage(incident({ rule: 'r'.repeat(400) }), null);
    const header = (msg.blocks[0] as { text: { text: string } }).text.text;
    expect(header.length).toBeLessThanOrEqual(150);
    expect(header.endsWith('…')).toBe(true);
  });

  it('keeps every section text within 3000 and every field within 2000 characters, however hostile the values', () => {
    const amp = '&'.repeat(300); // 5 characters each once escaped
    const distinct: Record<string, string[]> = {};
    for (let f = 0; f < 16; f++) distinct[`field${f}`] = Array.from({ length: 20 }, (_, i) => `${i}${amp}`.slice(0, 256));
    const inc = incident({
      rule: 'r'.repeat(100),
      key: { host: '&'.repeat(1000), user: '<'.repeat(1000) },
      distinct,
      samples: Array.from({ length: 5 }, (_, i) => `${i} ${'@here '.repeat(2000)}`),
      ackedBy: `cli:${'>'.repeat(300)}`,
      ackedAt: T,
    });
    for (const m of [null, mute({ comment: '&'.repeat(1000), createdBy: `x${'<'.repeat(199)}` })]) {
      const msg = incidentMessage(inc, m);
      for (const block of msg.blocks) {
        if (block.type === 'section') {
          if (block.text !== undefined) expect(block.text.text.length).toBeLessThanOrEqual(3000);
          for (const field of block.fields ?? []) expect(field.text.length).toBeLessThanOrEqual(2000);
        }
        if (block.type === 'context') for (const e of block.elements) expect(('text' in e ? e.text : '').length).toBeLessThanOrEqual(3000);
      }
      expect(msg.text.length).toBeLessThanOrEqual(3000);
    }
  });

  it('shows at most 10 values per field, saying how many more there are, and 20+ when the list is capped', () => {
    const values = Array.from({ length: 20 }, (_, i) => `u${i}`);
    const msg = incidentMessage(incident({ distinct: { user: values, ip: ['1.2.3.4'], empty: [] } }), null);
    const distinct = mrkdwnTexts(msg).find((t) => t.startsWith('*user*'))!;
    expect(distinct).toBe(`*user* (20+): ${values.slice(0, 10).join(', ')}, … +10 more\n*ip* (1): 1.2.3.4`);
  });

  it('has no distinct section without values and no sample blocks without samples', () => {
    const msg = incidentMessage(incident({ distinct: { user: [] }, samples: [] }), null);
    expect(msg.blocks.map((b) => b.type)).toEqual(['header', 'section', 'actions']);
  });
});

describe('incidentMessage: content and buttons by state', () => {
  const buttonsOf = (msg: SlackMessage) => {
    const actions = msg.blocks.filter((b) => b.type === 'actions');
    expect(actions.length).toBeLessThanOrEqual(1);
    const block = actions[0] as { block_id: string; elements: { text: { text: string }; action_id: string; value: string; style?: string }[] } | undefined;
    if (block !== undefined) expect(block.block_id).toBe(ACTIONS_BLOCK_ID);
    return (block?.elements ?? []).map((e) => ({ text: e.text.text, action: e.action_id, value: e.value, ...(e.style ? { style: e.style } : {}) }));
  };

  it('firing: Acknowledge, Mute 1h, Mute 24h carrying the incident id', () => {
    const msg = incidentMessage(incident(), null);
    expect(buttonsOf(msg)).toEqual([
      { text: 'Acknowledge', action: ACTION_ACK, value: 'inc-1', style: 'primary' },
      { text: 'Mute 1h', action: ACTION_MUTE_1H, value: 'inc-1' },
      { text: 'Mute 24h', action: ACTION_MUTE_24H, value: 'inc-1' },
    ]);
    expect(msg.text).toBe('🚨 Firing: ssh_invalid_user ip=203.0.113.5: 7 matches');
    expect((msg.blocks[0] as { text: { text: string } }).text.text).toBe('🚨 Firing: ssh_invalid_user');
    expect(mrkdwnTexts(msg).some((t) => t.startsWith('Acknowledged') || t.startsWith('Muted'))).toBe(false);
  });

  it('acknowledged: only the mutes; the status line names the acker as a mention with the time', () => {
    const msg = incidentMessage(incident({ ackedBy: 'slack:U0HUMAN', ackedAt: T + 60_000 }), null);
    expect(buttonsOf(msg).map((b) => b.text)).toEqual(['Mute 1h', 'Mute 24h']);
    expect(mrkdwnTexts(msg)).toContain(`Acknowledged by <@U0HUMAN> at ${slackDate(T + 60_000)}`);
    expect(msg.text.startsWith('👀 Acknowledged: ')).toBe(true);
  });

  it('muted: a single Unmute button carrying the mute id (and the incident), and who muted until when, with the comment', () => {
    const msg = incidentMessage(incident(), mute({ comment: 'maintenance' }));
    expect(buttonsOf(msg)).toEqual([{ text: 'Unmute', action: ACTION_UNMUTE, value: 'mute-0001-aaaa inc-1' }]);
    expect(parseUnmuteValue(buttonsOf(msg)[0]!.value)).toEqual({ muteId: 'mute-0001-aaaa', incidentId: 'inc-1' });
    expect(mrkdwnTexts(msg)).toContain(`Muted until ${slackDate(T + 3_600_000)} by <@U0HUMAN> (“maintenance”)`);
    expect(msg.text.startsWith('🔇 Muted: ')).toBe(true);
  });

  it('acknowledged and muted: both in the status line, Unmute only', () => {
    const msg = incidentMessage(incident({ ackedBy: 'slack:U0A', ackedAt: T }), mute());
    expect(buttonsOf(msg).map((b) => b.text)).toEqual(['Unmute']);
    const status = mrkdwnTexts(msg).find((t) => t.startsWith('Acknowledged'))!;
    expect(status).toBe(`Acknowledged by <@U0A> at ${slackDate(T)} · Muted until ${slackDate(T + 3_600_000)} by <@U0HUMAN>`);
  });

  it('resolved: no buttons, a resolved status line, and no mute shown', () => {
    const msg = incidentMessage(incident({ state: 'resolved', resolvedAt: T + 330_000 }), mute());
    expect(buttonsOf(msg)).toEqual([]);
    expect(msg.blocks.some((b) => b.type === 'actions')).toBe(false);
    const texts = mrkdwnTexts(msg);
    expect(texts).toContain(`Resolved at ${slackDate(T + 330_000)}`);
    expect(texts).toContain('*State*\nresolved');
    expect(texts.some((t) => t.includes('Muted'))).toBe(false);
    expect(msg.text.startsWith('✅ Resolved: ')).toBe(true);
  });

  it('shows the facts: rule, key, count with threshold and window, state, first and last seen', () => {
    const texts = mrkdwnTexts(incidentMessage(incident(), null));
    expect(texts.slice(0, 6)).toEqual([
      '*Rule*\nssh_invalid_user (threshold)',
      '*Key*\nip=203.0.113.5',
      '*Count*\n7 matches (threshold 5 in 1m)',
      '*State*\nopen; resolves after 5m without matches',
      `*First seen*\n${slackDate(T)}`,
      `*Last seen*\n${slackDate(T + 30_000)}`,
    ]);
    expect(texts).toContain('Sample lines (1 of 7)');
    const keyword = mrkdwnTexts(incidentMessage(incident({ ruleType: 'keyword', count: 1, key: {} }), null));
    expect(keyword).toContain('*Count*\n1 match');
    expect(keyword).toContain('*Key*\n(all hosts)');
    expect(mrkdwnTexts(incidentMessage(incident({ ruleType: 'keyword', count: 3 }), null))).toContain('*Count*\n3 matches');
  });

  it('a triage adds one section after the facts: "Triage: <summary> (severity guess: …)", escaped like log text', () => {
    const plain = incidentMessage(incident(), null);
    const msg = incidentMessage(incident({ triage: { summary: `Brute force from 203.0.113.5 ${EVIL}`, severity: 'high', model: 'llama3.2:3b', at: T } }), null);
    expect(msg.blocks).toHaveLength(plain.blocks.length + 1);
    expect(msg.blocks[2]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: `Triage: Brute force from 203.0.113.5 ${EVIL_ESCAPED} (severity guess: high)`, verbatim: true } });
    expect(mrkdwnTexts(plain).some((t) => t.startsWith('Triage:'))).toBe(false);
    const long = incidentMessage(incident({ triage: { summary: '&'.repeat(2000), severity: 'low', model: 'm', at: T } }), null);
    expect(((long.blocks[2] as { text: { text: string } }).text.text).length).toBeLessThanOrEqual(3000);
  });

  it('every mrkdwn object is verbatim (no auto-linking of channel names or URLs)', () => {
    const msg = incidentMessage(incident(), mute());
    const objs = textObjects(msg.blocks).filter((t) => t.type === 'mrkdwn') as (TextObject & { verbatim?: boolean })[];
    expect(objs.every((o) => o.verbatim === true)).toBe(true);
  });
});

describe('helpers', () => {
  it('incidentStatus: resolved > muted > acknowledged > firing', () => {
    expect(incidentStatus(incident(), null)).toBe('firing');
    expect(incidentStatus(incident({ ackedBy: 'x' }), null)).toBe('acknowledged');
    expect(incidentStatus(incident({ ackedBy: 'x' }), mute())).toBe('muted');
    expect(incidentStatus(incident({ state: 'resolved', resolvedAt: T, ackedBy: 'x' }), mute())).toBe('resolved');
  });

  it('actorText: only a well-formed slack:U…/W… id becomes a mention', () => {
    expect(actorText('slack:U0HUMAN')).toBe('<@U0HUMAN>');
    expect(actorText('slack:W0123ABC')).toBe('<@W0123ABC>');
    expect(actorText('slack:u0human')).toBe('slack:u0human');
    expect(actorText('slack:U0HUMAN> <!channel')).toBe('slack:U0HUMAN&gt; &lt;!channel');
    expect(actorText('slack:C0CHANNEL')).toBe('slack:C0CHANNEL');
    expect(actorText('cli')).toBe('cli');
  });

  it('slackDate renders in the reader time zone with an ISO fallback', () => {
    expect(slackDate(T + 1500)).toBe(`<!date^${T / 1000 + 1}^{date_short_pretty} {time_secs}|2026-01-01T12:00:01.500Z>`);
  });

  it('unmuteValue / parseUnmuteValue round-trip; a bare mute id (an older message) has no incident', () => {
    expect(parseUnmuteValue(unmuteValue('3f2a9c1e-aaaa', 'inc-7'))).toEqual({ muteId: '3f2a9c1e-aaaa', incidentId: 'inc-7' });
    expect(parseUnmuteValue('3f2a9c1e-aaaa')).toEqual({ muteId: '3f2a9c1e-aaaa', incidentId: undefined });
  });

  it('keyText', () => {
    expect(keyText({ host: 'a', ip: 'b' })).toBe('host=a ip=b');
    expect(keyText({})).toBe('(all hosts)');
  });

  it('escapeMrkdwn and plainText break @here/@channel/@everyone in any case, but not longer words', () => {
    expect(escapeMrkdwn('@Here @CHANNEL @everyone @heretic a@channel.b')).toBe(`@${WJ}Here @${WJ}CHANNEL @${WJ}everyone @heretic a@${WJ}channel.b`);
    expect(plainText('<@U1> @here &')).toBe(`<@U1> @${WJ}here &`);
    expect(escapeMrkdwn('a < b > c & d')).toBe('a &lt; b &gt; c &amp; d');
  });

  it('printable replaces C0 controls and DEL with U+FFFD and keeps tab and ordinary text', () => {
    expect(printable('a\u0000b\u0008c\td\ne\rf\u001fg\u007fh é 😀')).toBe('a\ufffdb\ufffdc\td\ufffde\ufffdf\ufffdg\ufffdh é 😀');
  });

  it('truncate keeps short text, cuts to at most max with an ellipsis', () => {
    expect(truncate('abc', 3)).toBe('abc');
    expect(truncate('abcd', 3)).toBe('ab…');
    expect(truncate('', 5)).toBe('');
  });

  it('truncate never splits a surrogate pair', () => {
    const s = `${'a'.repeat(9)}😀bc`; // the emoji is units 9 and 10
    expect(truncate(s, 11)).toBe(`${'a'.repeat(9)}…`);
    expect(truncate(s, 12)).toBe(`${'a'.repeat(9)}😀…`);
    expect(truncate(s, 13)).toBe(s);
    const lone = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), fc.integer({ min: 2, max: 70 }), (text, max) => {
        const cut = truncate(text, max);
        expect(cut.length).toBeLessThanOrEqual(Math.max(max, 0));
        if (text.length <= max) expect(cut).toBe(text);
        else {
          expect(cut.endsWith('…')).toBe(true);
          expect(text.startsWith(cut.slice(0, -1))).toBe(true);
        }
        expect(lone.test(cut)).toBe(false);
      }),
      { numRuns: 500 },
    );
  });
});
