/**
 * How the sshd-auth-failure preset agrees with fail2ban's and CrowdSec's labels on test/fixtures/syslog/sshd.jsonl.
 * Used by test/detect/presets.test.ts (floors) and runnable for the table: `npx tsx test/detect/sshd-agreement.ts`.
 *
 * - fail2ban, per line: its sshd filter in normal mode counts the line as a failure (with this address) or not.
 *   Lines fail2ban tests only in ddos/extra mode are not failures in normal mode. A failure fail2ban only finds
 *   by joining lines of one sshd process (the address on a later line) is a disagreement for a one-line matcher.
 * - CrowdSec, per line: its sshd parser's `ssh_failed-auth` (with Meta.source_ip) versus a success line.
 * - CrowdSec, per attacking address in its brute-force scenario tests: whether the preset (default 5 in 10 min
 *   per address) raises an alert for the address, against the addresses the scenario test expects alerts for.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Detector } from '../../src/detect/detector.js';
import { compileRules, received, receivedAtOwnTime, SignalLog } from './received.js';

interface Sshd {
  readonly raw: string;
  readonly sourceLine: number;
  readonly attackerIp: string | null;
  readonly attackerHost?: string;
  readonly f2b?: { readonly failJSON: { readonly match: boolean; readonly host?: string }; readonly filterModes: readonly string[] };
  readonly crowdsec?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly sequence?: { readonly id: string; readonly index: number; readonly expectedAlerts?: { readonly alertSourceIps: readonly string[] } };
}

export interface AgreementRow {
  readonly label: string;
  readonly total: number;
  readonly agree: number;
  /** Both call it a failure but with different addresses. */
  readonly wrongAddress: number;
  /** Theirs is a failure, ours is not. */
  readonly missed: number;
  /** Ours is a failure, theirs is not. */
  readonly extra: number;
  readonly disagreements: readonly string[];
}

const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'syslog', 'sshd.jsonl');
/** Reference time for year-less stamps (the CrowdSec scenario logs are from September). */
const PARSE_NOW = Date.UTC(2024, 11, 31);

export function loadSshdFixture(): Sshd[] {
  return readFileSync(FIXTURE, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Sshd);
}

const plain = (ip: string | undefined | null) => (ip ?? '').replace(/^::ffff:/, '');

/** The address sshd-auth-failure captures for a line, or null when the line is not a failure. */
function ourVerdict(raw: string): string | null {
  const log = new SignalLog();
  const detector = new Detector({ rules: compileRules([{ name: 'f', preset: 'sshd-auth-failure' }]), onSignal: log.onSignal });
  detector.process(received(raw, PARSE_NOW, { parseNow: PARSE_NOW }));
  return log.last === undefined ? null : (log.last.fields.ip ?? '');
}

function perLine(label: string, cases: readonly { raw: string; failure: boolean; ip: string | null }[]): AgreementRow {
  let agree = 0, wrongAddress = 0, missed = 0, extra = 0;
  const disagreements: string[] = [];
  for (const c of cases) {
    const ours = ourVerdict(c.raw);
    let verdict: string | null = null;
    if (c.failure && ours === null) (missed++, (verdict = 'missed'));
    else if (!c.failure && ours !== null) (extra++, (verdict = `extra (${ours})`));
    else if (c.failure && plain(ours) !== plain(c.ip)) (wrongAddress++, (verdict = `address ${ours}, theirs ${c.ip}`));
    else agree++;
    if (verdict !== null) disagreements.push(`${verdict}: ${c.raw}`);
  }
  return { label, total: cases.length, agree, wrongAddress, missed, extra, disagreements };
}

/** Replays each CrowdSec brute-force sequence by the lines' own timestamps; one row entry per address. */
function scenarios(records: readonly Sshd[]): AgreementRow {
  const bySequence = new Map<string, Sshd[]>();
  for (const r of records) {
    if (r.sequence?.id === undefined || !r.sequence.id.includes('bf')) continue;
    bySequence.set(r.sequence.id, [...(bySequence.get(r.sequence.id) ?? []), r]);
  }
  let total = 0, agree = 0, missed = 0, extra = 0;
  const disagreements: string[] = [];
  for (const [id, lines] of bySequence) {
    lines.sort((a, b) => a.sequence!.index - b.sequence!.index);
    const expected = new Set(lines[0]!.sequence!.expectedAlerts?.alertSourceIps ?? []);
    const log = new SignalLog();
    const detector = new Detector({ rules: compileRules([{ name: 'f', preset: 'sshd-auth-failure' }]), onSignal: log.onSignal });
    const addresses = new Set<string>();
    for (const line of lines) {
      detector.process(receivedAtOwnTime(line.raw, PARSE_NOW));
      const ip = log.last?.fields.ip;
      if (ip !== undefined) addresses.add(ip);
    }
    const fired = new Set(log.firing().map((s) => s.key.ip));
    for (const ip of new Set([...addresses, ...expected])) {
      total++;
      if (expected.has(ip) === fired.has(ip)) agree++;
      else if (expected.has(ip)) (missed++, disagreements.push(`missed alert for ${ip} in ${id}`));
      else (extra++, disagreements.push(`extra alert for ${ip} in ${id}`));
    }
  }
  return { label: 'CrowdSec brute-force scenarios (alert per address)', total, agree, wrongAddress: 0, missed, extra, disagreements };
}

export function sshdAgreement(records: readonly Sshd[] = loadSshdFixture()): AgreementRow[] {
  const f2b = records.filter((r) => r.f2b !== undefined);
  const normal = f2b.filter((r) => r.f2b!.filterModes.includes('normal'));
  const otherModes = f2b.filter((r) => !r.f2b!.filterModes.includes('normal'));
  const crowdsecLines = records.filter((r) => r.crowdsec !== undefined);
  return [
    perLine('fail2ban sshd filter, normal mode (per line)', normal.map((r) => ({ raw: r.raw, failure: r.f2b!.failJSON.match, ip: r.attackerIp ?? r.attackerHost ?? null }))),
    perLine('fail2ban lines of ddos/extra mode only (normal mode: no failure)', otherModes.map((r) => ({ raw: r.raw, failure: false, ip: null }))),
    perLine('CrowdSec sshd parser (per line)', crowdsecLines.map((r) => {
      const p = r.crowdsec!.sshdParser;
      return { raw: r.raw, failure: p?.['Meta.log_type'] === 'ssh_failed-auth', ip: (p?.['Meta.source_ip'] as string | undefined) ?? null };
    })),
    scenarios(records),
  ];
}

export function formatAgreement(rows: readonly AgreementRow[]): string {
  const pct = (a: number, t: number) => (t === 0 ? '-' : `${((100 * a) / t).toFixed(1)}%`);
  const lines = ['| labels | cases | agree | missed | extra | other address |', '| --- | --- | --- | --- | --- | --- |'];
  for (const r of rows) lines.push(`| ${r.label} | ${r.total} | ${r.agree} (${pct(r.agree, r.total)}) | ${r.missed} | ${r.extra} | ${r.wrongAddress} |`);
  return lines.join('\n');
}

if (process.argv[1] !== undefined && import.meta.filename === process.argv[1]) {
  const rows = sshdAgreement();
  console.log(formatAgreement(rows));
  for (const r of rows) for (const d of r.disagreements) console.log(`- ${r.label}: ${d}`);
}
