import { describe, expect, it } from 'vitest';
import type { DigestReport } from '../../src/digest/digest-report.js';
import { digestMessage } from '../../src/digest/digest-message.js';

const T0 = Date.UTC(2026, 0, 1, 8, 0, 0);

function report(overrides: Partial<DigestReport> = {}): DigestReport {
  return {
    from: T0 - 86_400_000,
    to: T0,
    messages: { total: 12_345, hosts: 3, hostsCapped: false, otherHostsMessages: 0, top: [{ host: 'router', messages: 10_000 }, { host: 'pi', messages: 2_000 }, { host: 'nas', messages: 345 }] },
    incidents: { opened: 3, byRule: [{ rule: 'ssh_invalid_user', opened: 2 }, { rule: 'keywords', opened: 1 }], openNow: 1 },
    mutes: {
      active: 1,
      list: [{ id: 'm1', matchers: [{ name: 'host', value: 'nas', isRegex: false }], startsAt: T0 - 1000, endsAt: T0 + 3_600_000, createdBy: 'slack:U0ABC123', comment: '', createdAt: T0 - 1000 }],
    },
    ...overrides,
  };
}

/** Every mrkdwn/plain text in the blocks, in order. */
function texts(blocks: unknown[]): string[] {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if ((o.type === 'mrkdwn' || o.type === 'plain_text') && typeof o.text === 'string') out.push(o.text);
      Object.values(o).forEach(walk);
    }
  };
  walk(blocks);
  return out;
}

describe('digestMessage', () => {
  it('has a top-level text and Block Kit blocks with the numbers, the top hosts, incidents per rule and the mutes', () => {
    const m = digestMessage(report());
    expect(m.text).toBe('Syslog digest: 12,345 messages from 3 hosts, 3 incidents opened, 1 mute active');
    expect(m.blocks[0]).toMatchObject({ type: 'header', text: { type: 'plain_text', text: '📊 Syslog digest' } });
    const all = texts(m.blocks).join('\n');
    expect(all).toContain('*Messages*\n12,345');
    expect(all).toContain('*Hosts*\n3');
    expect(all).toContain('*Incidents opened*\n3');
    expect(all).toContain('*Top 3 hosts*\n1. router: 10,000 messages\n2. pi: 2,000 messages\n3. nas: 345 messages');
    expect(all).toContain('• ssh_invalid_user: 2\n• keywords: 1');
    expect(all).toContain('`host=nas` until <!date^');
    expect(all).toContain('by <@U0ABC123>');
    expect(m.blocks.length).toBeLessThanOrEqual(50);
  });

  it('escapes hostile host names: no broadcast, mention or link can form', () => {
    const hostile = ['<!channel>', '<!here|here>', '<@U12345678>', '<https://evil.example|click me>', 'a&b', '@everyone', 'x\n*bold*'];
    const m = digestMessage(
      report({ messages: { total: 7, hosts: 7, hostsCapped: false, otherHostsMessages: 0, top: hostile.map((host) => ({ host, messages: 1 })) } }),
    );
    const all = [m.text, ...texts(m.blocks)].join('\n');
    expect(all).not.toMatch(/<!channel>|<!here|<@U12345678>|<https:/);
    expect(all).toContain('&lt;!channel&gt;');
    expect(all).toContain('&lt;https://evil.example|click me&gt;');
    expect(all).toContain('a&amp;b');
    expect(all).toContain('@\u2060everyone');
    expect(all).not.toContain('x\n*bold*'); // a newline in a host cannot start a new formatted line
    // The only '<' left are the ones this code writes itself: dates and the mute author's mention.
    for (const match of all.matchAll(/<([^>]*)>/g)) expect(match[1]).toMatch(/^(!date\^|@U0ABC123$)/);
  });

  it('says when hosts beyond the cap were counted together', () => {
    const m = digestMessage(report({ messages: { total: 100, hosts: 2, hostsCapped: true, otherHostsMessages: 40, top: [{ host: 'a', messages: 50 }, { host: 'b', messages: 10 }] } }));
    expect(m.text).toContain('from 2+ hosts');
    expect(texts(m.blocks).join('\n')).toContain('Other hosts (beyond the 2 counted): 40 messages');
  });

  it('keeps every section within Slack limits with 50 long host names', () => {
    const top = Array.from({ length: 50 }, (_, i) => ({ host: `${'<'.repeat(200)}${i}`, messages: 50 - i }));
    const m = digestMessage(report({ messages: { total: 1275, hosts: 50, hostsCapped: false, otherHostsMessages: 0, top } }));
    for (const t of texts(m.blocks)) expect(t.length).toBeLessThanOrEqual(3000);
    expect(texts(m.blocks).join('\n')).toMatch(/… and \d+ more/);
  });

  it('leaves out empty sections on a quiet day', () => {
    const m = digestMessage(report({
      messages: { total: 0, hosts: 0, hostsCapped: false, otherHostsMessages: 0, top: [] },
      incidents: { opened: 0, byRule: [], openNow: 0 },
      mutes: { active: 0, list: [] },
    }));
    expect(m.text).toBe('Syslog digest: 0 messages from 0 hosts, 0 incidents opened, 0 mutes active');
    expect(m.blocks.map((b) => b.type)).toEqual(['header', 'context', 'section']);
  });
});
