import { describe, expect, it } from 'vitest';
import { STREAM_FRAMINGS, frameBody, maxOctetCount, planStream, splitWrites } from '../../src/fuzz/stream-plan.js';
import { modelStream, sameOutcome } from '../../src/fuzz/stream-model.js';
import { Random } from '../../src/simulate/prng.js';

const MAX = 64 * 1024;

function header(framed: Buffer): { digits: string; rest: Buffer } {
  const sp = framed.indexOf(0x20);
  return { digits: framed.subarray(0, sp).toString('latin1'), rest: framed.subarray(sp + 1) };
}

describe('framing a body', () => {
  const body = Buffer.from('<13>1 - - - - - - hello');
  const rng = new Random(3);

  it('terminates honestly with LF, CRLF or NUL', () => {
    expect(frameBody(rng, body, 'lf', MAX).toString()).toBe(`${body}\n`);
    expect(frameBody(rng, body, 'crlf', MAX).toString()).toBe(`${body}\r\n`);
    expect(frameBody(rng, body, 'nul', MAX).toString()).toBe(`${body}\0`);
    expect(frameBody(rng, body, 'octet', MAX).toString()).toBe(`${body.length} ${body}`);
  });

  it('lies about the count as each lying framing says', () => {
    for (let i = 0; i < 200; i++) {
      const short = header(frameBody(rng, body, 'octet_short_count', MAX));
      expect(Number(short.digits)).toBeLessThan(body.length);
      expect(Number(short.digits)).toBeGreaterThanOrEqual(1);
      const long = header(frameBody(rng, body, 'octet_long_count', MAX));
      expect(Number(long.digits)).toBeGreaterThan(body.length);
      const over = header(frameBody(rng, body, 'octet_oversize_count', MAX));
      expect(Number(over.digits)).toBeGreaterThan(MAX);
      expect(Number(over.digits)).toBeLessThanOrEqual(maxOctetCount(MAX));
      const bad = header(frameBody(rng, body, 'octet_bad_count', MAX));
      expect(bad.digits.length > 10 || Number(bad.digits) > maxOctetCount(MAX), bad.digits).toBe(true);
      for (const h of [short, long, over, bad]) expect(h.rest.equals(body)).toBe(true);
    }
  });
});

describe('the stream model', () => {
  it('counts a hand-made stream as the README says the framer does', () => {
    const stream = Buffer.from(
      [
        '5 hello', // octet counted
        '\n', // its trailer: not an empty frame
        'plain line\r\n', // LF framing, CR stripped
        '\n', // an empty frame
        '99999999999 x\n', // 11 digits: bad_frame, resync at LF
        `${MAX + 1} `, // oversize: the next MAX + 1 bytes are skipped
      ].join(''),
    );
    const skipped = Buffer.alloc(MAX + 1, 'z');
    const tail = Buffer.from('last 3 ab');
    const out = modelStream([stream, skipped, tail], MAX, 'flush');
    expect(out.frames).toBe(3); // hello, plain line, "last 3 ab" (flushed at a clean end)
    expect(out.frameBytes).toBe(5 + 10 + 9);
    expect(out.drops).toEqual({ empty: 1, bad_frame: 1, oversize: 1 });
    const cut = modelStream([stream, skipped, tail], MAX, 'discard');
    expect(cut.frames).toBe(2);
    expect(cut.drops).toEqual({ empty: 1, bad_frame: 1, oversize: 1, truncated: 1 });
  });

  it('gives the same outcome however the stream is cut into reads', () => {
    const rng = new Random(11);
    for (let i = 0; i < 30; i++) {
      const plan = planStream(rng, { payloads: rng.int(1, 60), maxFrameBytes: MAX });
      const bytes = Buffer.concat(plan.writes);
      const mode = plan.ending === 'rst' ? 'discard' : 'flush';
      expect(sameOutcome(modelStream(plan.writes, MAX, mode), plan.expected)).toBe(true);
      expect(sameOutcome(modelStream(splitWrites(rng, bytes), MAX, mode), plan.expected)).toBe(true);
      if (bytes.length < 20_000) {
        const single = Array.from(bytes, (b) => Buffer.from([b]));
        expect(sameOutcome(modelStream(single, MAX, mode), plan.expected)).toBe(true);
      }
    }
  });
});

describe('planning a connection', () => {
  it('is deterministic for a seed', () => {
    const a = planStream(new Random(5), { payloads: 200, maxFrameBytes: MAX });
    const b = planStream(new Random(5), { payloads: 200, maxFrameBytes: MAX });
    expect(Buffer.concat(a.writes).equals(Buffer.concat(b.writes))).toBe(true);
    expect(a.expected).toEqual(b.expected);
    expect(a.bytes).toBe(Buffer.concat(a.writes).length);
  });

  it('uses every framing over many connections and ends without a reset unless asked', () => {
    const rng = new Random(1);
    const framings = new Set<string>();
    const endings = new Set<string>();
    for (let i = 0; i < 40; i++) {
      const plan = planStream(rng, { payloads: 50, maxFrameBytes: MAX });
      for (const f of Object.keys(plan.framings)) framings.add(f);
      endings.add(plan.ending);
    }
    expect([...framings].sort()).toEqual([...STREAM_FRAMINGS].sort());
    expect([...endings].sort()).toEqual(['fin', 'fin_mid_frame']);
  });

  it('cuts a reset connection where a discard and a flush mean the same: a truncated octet-counted body', () => {
    const rng = new Random(2);
    let resets = 0;
    for (let i = 0; i < 40; i++) {
      const plan = planStream(rng, { payloads: rng.int(1, 20), maxFrameBytes: MAX, ending: 'rst' });
      if (plan.ending !== 'rst') continue;
      resets++;
      const flushed = modelStream(plan.writes, MAX, 'flush');
      expect(sameOutcome(flushed, plan.expected)).toBe(true);
      expect(plan.expected.drops.truncated ?? 0).toBeGreaterThanOrEqual(1);
      expect(plan.bytes).toBeLessThanOrEqual(32 * 1024);
    }
    expect(resets).toBeGreaterThan(20);
  });
});
