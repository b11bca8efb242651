import { describe, expect, it } from 'vitest';
import { MAX_SUMMARY_CHARS, parseTriageReply } from '../../src/triage/triage-reply.js';

describe('parseTriageReply', () => {
  it('reads the JSON object, bare, fenced or with words around it; severity in any case', () => {
    expect(parseTriageReply('{"summary":"SSH brute force.","severity":"high"}')).toEqual({ summary: 'SSH brute force.', severity: 'high' });
    expect(parseTriageReply('```json\n{"summary": "Disk full.", "severity": "Critical"}\n```')).toEqual({ summary: 'Disk full.', severity: 'critical' });
    expect(parseTriageReply('Sure! {"severity":" low ","summary":"  A  one-off\\nretry. ","extra":1} Hope this helps')).toEqual({ summary: 'A one-off retry.', severity: 'low' });
  });

  it.each([
    ['not JSON at all', 'The incident looks serious.'],
    ['broken JSON', '{"summary": "x", "severity": "high"'],
    ['JSON without the fields', '{"answer": "high"}'],
    ['no severity', '{"summary": "x"}'],
    ['an unknown severity', '{"summary": "x", "severity": "extreme"}'],
    ['an empty summary', '{"summary": "  ", "severity": "low"}'],
    ['a summary that is not text', '{"summary": 3, "severity": "low"}'],
  ])('%s is malformed (null)', (_what, content) => {
    expect(parseTriageReply(content)).toBeNull();
  });

  it('cuts a long summary', () => {
    const reply = parseTriageReply(JSON.stringify({ summary: 'word '.repeat(400), severity: 'medium' }))!;
    expect(reply.summary).toHaveLength(MAX_SUMMARY_CHARS);
    expect(reply.summary.endsWith('…')).toBe(true);
  });
});
