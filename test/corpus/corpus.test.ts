/**
 * Our parser on the syslog corpus (field-level, see field-compare.ts): the score must not regress, and records
 * that pin important behaviour must parse as their source states.
 */
import { describe, expect, it } from 'vitest';
import { parseSyslog } from '../../src/parse/syslog.js';
import { FIXTURE_CORPUS_DIR, loadCorpus, rawInput, sharedCorpusDir, type CorpusRecord } from './corpus-records.js';
import { conflicts, scoreOurs, type Tally } from './corpus-score.js';
import { parseOptionsFor, scoreRecord, type ScoredField } from './field-compare.js';

/** Floor for records whose expectation holds under their source's default options (the parser has no options). */
const MIN_DEFAULT_OPTION_SCORE = 0.95;
/** Floor for all stated fields, including values that need a non-default option of the stating parser. */
const MIN_TOTAL_SCORE = 0.92;

const ratio = (t: Tally) => t.right / t.stated;
const fixtures = loadCorpus(FIXTURE_CORPUS_DIR);
const byId = new Map(fixtures.map((r) => [r.id, r]));

function record(id: string): CorpusRecord {
  const r = byId.get(id);
  if (r === undefined) throw new Error(`no corpus record ${id}`);
  return r;
}

/** Records and the stated fields that must match (all stated fields when none are listed). */
const IMPORTANT: ReadonlyArray<readonly [id: string, why: string, fields?: readonly ScoredField[]]> = [
  ['1e5c4c4c6774', 'RFC 5424 example 3: SD, BOM removed, Z'],
  ['56c9ec6fe0e3', 'RFC 5424 example 4: SD only, no MSG'],
  ['7268835593e9', 'IPv4 host, NILVALUE fields'],
  ['22eb73661c06', 'IPv6 host in RFC 5424'],
  ['5b296ab4a6fa', 'NILVALUE timestamp'],
  ['72d5f710f9c6', 'escaped backslash in SD'],
  ['6584ee9f7c54', 'empty SD value and empty element'],
  ['5930d13e50bc', 'malformed SD element dropped'],
  ['a0aad83aa2b4', 'escaped quotes in SD, several elements'],
  ['56ce0182b29b', 'RFC 5424 timestamp without offset: configured zone'],
  ['876e905699e1', '8-digit fraction'],
  ['47da6e8c90b8', 'leading space of MSG kept'],
  ['12408f51fadc', 'RFC 5424 without PRI', ['timestamp', 'hostname', 'appname', 'procid', 'msgid', 'message', 'protocol']],
  ['9ec2b2820da8', 'OPNsense sshd over RFC 5424'],
  ['38c273c630fc', 'sshd log line without PRI'],
  ['d425ec5d2f9c', 'no PRI, no hostname: prog[pid] is never the host', ['timestamp', 'hostname', 'appname', 'procid', 'message']],
  ['40f02763e581', 'no hostname, empty tag'],
  ['a37afe64b69a', 'prog[pid]: without space'],
  ['d7abf2ad7270', 'nginx, December stamp'],
  ['7d35d69765c8', 'rsyslog origin structured data in RFC 3164'],
  ['98ed802b94c7', 'RFC 3339 timestamp in BSD framing'],
  ['131737d35f81', 'Cisco PIX: year in stamp, trailing colon, %TAG, no host'],
  ['40a556c52da1', "Cisco '.' sync mark", ['pri', 'timestamp', 'appname', 'message']],
  ['f5f8b0770eb4', 'Cisco ASA'],
  ['0a3d73213915', 'year after the time'],
  ['16e2b19acaeb', 'year inference at a test clock in MET'],
  ['adee4a8426b4', 'IPv6 host in RFC 3164'],
  ['20bf3ec373d8', 'IPv6 host and a bare-word tag'],
  ['60a46f92b86f', 'tag without colon'],
  ['abce8e2feb4c', 'no tag, JSON body'],
  ['7f2fa3fe4322', 'slash: no hostname'],
  ['d9bb5244eef5', 'invalid hostname character: taken for the tag'],
  ['653516fb5fe6', '40-digit tag is no sequence number'],
  ['be12d31ee053', 'malformed PRI: whole line is the message'],
  ['519dc1c9181d', 'PRI without header'],
  ['ce96a7827095', 'VMware hostd'],
];

describe('corpus score (fixtures)', () => {
  const score = scoreOurs(fixtures);

  it(`meets ${MIN_DEFAULT_OPTION_SCORE * 100}% on records stated under default options`, () => {
    expect(ratio(score.defaults)).toBeGreaterThanOrEqual(MIN_DEFAULT_OPTION_SCORE);
  });

  it(`meets ${MIN_TOTAL_SCORE * 100}% on all stated fields`, () => {
    expect(ratio(score.total)).toBeGreaterThanOrEqual(MIN_TOTAL_SCORE);
  });

  it('gets every RFC 5424 and sshd field right', () => {
    expect(score.misses.filter((m) => m.record.file === 'rfc5424.jsonl' || m.record.file === 'sshd.jsonl')).toEqual([]);
  });

  it('reports where sources contradict each other', () => {
    expect(conflicts(fixtures).length).toBeGreaterThanOrEqual(1);
  });
});

describe('important records', () => {
  for (const [id, why, fields] of IMPORTANT) {
    it(`${id}: ${why}`, () => {
      const r = record(id);
      const opts = parseOptionsFor(r);
      const { results } = scoreRecord(r, parseSyslog(rawInput(r), opts), opts);
      const checked = fields === undefined ? results : results.filter((x) => fields.includes(x.field));
      expect(checked.length).toBeGreaterThan(0);
      expect(checked.filter((x) => !x.ok)).toEqual([]);
    });
  }

  it('parses lines that a source says parse the same as another the same way', () => {
    const same = fixtures.filter((r) => r.expectSameParseAs !== undefined);
    expect(same.length).toBeGreaterThan(0);
    for (const r of same) {
      const opts = parseOptionsFor(r);
      expect(parseSyslog(rawInput(r), opts)).toEqual(parseSyslog(r.expectSameParseAs as string, opts));
    }
  });

  it('never throws on any corpus line and keeps a string message', () => {
    for (const r of fixtures) expect(typeof parseSyslog(rawInput(r), parseOptionsFor(r)).message).toBe('string');
  });
});

const shared = sharedCorpusDir();
describe.skipIf(shared === null)('corpus score (../shared/corpus)', () => {
  it('meets the same floors on the shared corpus', () => {
    const score = scoreOurs(loadCorpus(shared as string));
    expect(ratio(score.defaults)).toBeGreaterThanOrEqual(MIN_DEFAULT_OPTION_SCORE);
    expect(ratio(score.total)).toBeGreaterThanOrEqual(MIN_TOTAL_SCORE);
  });
});
