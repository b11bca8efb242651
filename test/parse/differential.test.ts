/**
 * syslog-parse (v2) as an independent oracle for BSD lines: wherever both parsers accept a line (syslog-parse
 * returns undefined unless the line has a BSD timestamp and a `tag:`), our hostname/appname/procid/message must
 * agree with its host/process/pid/message, except for the principled disagreements below.
 */
import syslogParse from 'syslog-parse';
import { describe, expect, it } from 'vitest';
import { parseSyslog } from '../../src/parse/syslog.js';
import type { SyslogMessage } from '../../src/parse/types.js';
import { FIXTURE_CORPUS_DIR, loadCorpus } from '../corpus/corpus-records.js';

type Theirs = NonNullable<ReturnType<typeof syslogParse>>;

/**
 * Why we may differ from syslog-parse, each a deliberate choice:
 * - ipv6-host: its host pattern ([\w.-]+) cannot hold ':', so it reads "0002:: prg0: msg" as process "0002".
 * - structured-data: we take well-formed RFC 5424 structured data at the start of a BSD message out of the
 *   message (rsyslog sends "[origin software=...]" that way); it leaves it in.
 * - non-numeric-pid: it converts the pid with Number() and drops what is not a number ("hostd[81480B70]"); we keep
 *   the PROCID text as sent.
 * - separator-space: it trims the message; we drop only the one SP after the tag (further spaces are content, as
 *   rsyslog keeps them).
 * - colon-in-word: it takes any word followed by ':' for the tag; we need `prog:` to be followed by SP or the end
 *   (or `prog[pid]:`), so "CEF:0|Trend Micro|..." and "msgnum:2" stay message text (nsyslog-parser agrees on CEF).
 */
function disagreement(ours: SyslogMessage, theirs: Theirs): string | null {
  const theirHost = theirs.host === '' ? null : theirs.host;
  const theirPid = theirs.pid === undefined ? null : String(theirs.pid);
  if (ours.hostname !== theirHost && ours.hostname?.includes(':')) return 'ipv6-host';
  if (ours.appname === null && ours.message.includes(`${theirs.process}:`) && !ours.message.includes(`${theirs.process}: `)) return 'colon-in-word';
  if (ours.hostname !== theirHost || ours.appname !== theirs.process) return 'host/tag';
  if (ours.procid !== theirPid) return theirPid === null && ours.procid !== null && !/^\d+$/.test(ours.procid) ? 'non-numeric-pid' : 'pid';
  if (ours.message !== theirs.message) {
    if (ours.structuredData !== null) return 'structured-data';
    return ours.message.trim() === theirs.message ? 'separator-space' : 'message';
  }
  return null;
}

const EXPLAINED = new Set(['ipv6-host', 'structured-data', 'non-numeric-pid', 'separator-space', 'colon-in-word']);

/** BSD lines beyond the corpus: the shapes syslog-parse understands. */
const EXTRA_LINES = [
  '<34>Oct 11 22:14:15 mymachine su: \'su root\' failed for lonvick on /dev/pts/8',
  '<13>Jan  5 10:01:00 web01 nginx[1234]: GET / 200',
  '<86>Dec 31 23:59:59 bastion sshd[99]: Accepted publickey for root from 10.0.0.1 port 22 ssh2',
  '<86>Feb  1 00:00:00 bastion sshd-session[4242]: Connection closed by 10.0.0.2 port 51234',
  '<30>May  8 00:01:01 logica5_engine6 systemd: Starting Session 63 of user root.',
  '<30>Aug  4 16:53:13 pinger[1334]: 64 bytes from 87.250.250.242: seq=69 ttl=37 time=33.918 ms',
  '<133>Jan 13 16:33:35 haproxy[73411]: Proxy sticky-servers started.',
  '<6>Sep  1 12:00:00 fw kernel: [12345.678] IN=eth0 OUT= SRC=1.2.3.4',
  '<78>Apr 30 04:02:01 cron.example.org CRON[555]: (root) CMD (run-parts /etc/cron.hourly)',
  '<14>Jul  4 01:02:03 0002:: prg0: msgtxt',
  '<14>Oct  1 00:00:00 host app:    padded message',
  '<14>Oct  1 00:00:00 host postfix/smtpd[123]: connect from unknown[1.2.3.4]',
];

describe('differential: syslog-parse as oracle on BSD lines', () => {
  const lines = [...new Set([...loadCorpus(FIXTURE_CORPUS_DIR).map((r) => r.raw), ...EXTRA_LINES])];
  const opts = { timezone: 'UTC', now: Date.parse('2024-06-15T12:00:00Z') };
  const compared: Array<{ line: string; reason: string | null }> = [];
  for (const line of lines) {
    const theirs = syslogParse(line);
    if (theirs === undefined) continue;
    const ours = parseSyslog(line, opts);
    if (ours.protocol !== 'rfc3164') continue;
    compared.push({ line, reason: disagreement(ours, theirs) });
  }

  it('compares enough lines to mean something', () => {
    expect(compared.length).toBeGreaterThanOrEqual(100);
  });

  it('agrees on host, program, pid and message, apart from the documented disagreements', () => {
    const unexplained = compared.filter((c) => c.reason !== null && !EXPLAINED.has(c.reason));
    expect(unexplained).toEqual([]);
  });

  it('agrees outright on most lines', () => {
    const agreeing = compared.filter((c) => c.reason === null).length;
    expect(agreeing / compared.length).toBeGreaterThan(0.9);
  });

  it('disagrees for each documented reason only where expected', () => {
    const reasons = new Map<string, string[]>();
    for (const c of compared) if (c.reason !== null) reasons.set(c.reason, [...(reasons.get(c.reason) ?? []), c.line]);
    expect(reasons.get('ipv6-host')).toContain('<14>Jul  4 01:02:03 0002:: prg0: msgtxt');
    expect(reasons.get('separator-space')).toContain('<14>Oct  1 00:00:00 host app:    padded message');
  });
});
