import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { StreamFramer, type FramerEndMode } from '../../src/ingest/framing.js';
import type { DropReason } from '../../src/ingest/types.js';

type Event = { frame: string } | { drop: DropReason };

interface Run {
  readonly events: Event[];
  readonly framer: StreamFramer;
}

function run(chunks: readonly (string | Buffer)[], maxFrameBytes = 64, end: FramerEndMode | null = 'flush', maxOctetCount?: number): Run {
  const events: Event[] = [];
  const framer = new StreamFramer({
    maxFrameBytes,
    ...(maxOctetCount === undefined ? {} : { maxOctetCount }),
    onFrame: (bytes) => events.push({ frame: bytes.toString('latin1') }),
    onDrop: (reason) => events.push({ drop: reason }),
  });
  for (const c of chunks) framer.push(typeof c === 'string' ? Buffer.from(c, 'latin1') : c);
  if (end !== null) framer.end(end);
  return { events, framer };
}

const frames = (...f: string[]): Event[] => f.map((frame) => ({ frame }));

function expectAccounted(framer: StreamFramer): void {
  const s = framer.stats();
  expect(s.frameBytes + s.droppedBytes + s.overheadBytes + s.pendingBytes).toBe(s.bytesIn);
}

/** Every way to cut `text` into two chunks, plus one byte at a time. */
function chunkings(text: string): string[][] {
  const out: string[][] = [[text]];
  for (let k = 1; k < text.length; k++) out.push([text.slice(0, k), text.slice(k)]);
  out.push([...text]);
  return out;
}

describe('StreamFramer: non-transparent framing', () => {
  it('splits LF, CRLF and NUL terminated frames, several per chunk', () => {
    const { events, framer } = run(['<13>one\n<13>two\r\n<13>three\0<13>four\n']);
    expect(events).toEqual(frames('<13>one', '<13>two', '<13>three', '<13>four'));
    expectAccounted(framer);
  });

  it('strips only one trailing CR', () => {
    expect(run(['a\r\r\n']).events).toEqual(frames('a\r'));
  });

  it('keeps a CR that is not at the end of the line', () => {
    expect(run(['a\rb\n']).events).toEqual(frames('a\rb'));
  });

  it('reassembles a message split at every possible point', () => {
    const text = '<34>1 2003-10-11T22:14:15.003Z host su - ID47 - msg\r\n<13>next\n';
    for (const chunks of chunkings(text)) {
      const { events, framer } = run(chunks);
      expect(events, JSON.stringify(chunks)).toEqual(frames('<34>1 2003-10-11T22:14:15.003Z host su - ID47 - msg', '<13>next'));
      expectAccounted(framer);
    }
  });

  it('treats a line that starts with digits but no space as a line', () => {
    expect(run(['123abc\n', '2024-01-01 x\n', '42\n']).events).toEqual(frames('123abc', '2024-01-01 x', '42'));
  });

  it('reports blank lines as empty', () => {
    expect(run(['\n\r\n\0<1>x\n']).events).toEqual([{ drop: 'empty' }, { drop: 'empty' }, { drop: 'empty' }, { frame: '<1>x' }]);
  });

  it('discards an oversize line up to the next LF without buffering it, and keeps going', () => {
    const long = 'x'.repeat(100);
    const { events, framer } = run([long.slice(0, 40), long.slice(40, 80)], 16, null);
    expect(events).toEqual([{ drop: 'oversize' }]);
    expect(framer.stats().pendingBytes).toBe(0);
    framer.push(Buffer.from(`${long.slice(80)}\n<1>ok\n`));
    framer.end();
    expect(events).toEqual([{ drop: 'oversize' }, { frame: '<1>ok' }]);
    expectAccounted(framer);
  });

  it('drops an oversize line found in one chunk', () => {
    expect(run([`${'y'.repeat(17)}\n<1>ok\n`], 16).events).toEqual([{ drop: 'oversize' }, { frame: '<1>ok' }]);
  });

  it('accepts a line of exactly maxFrameBytes, with and without CRLF, at every split point', () => {
    const line = 'z'.repeat(16);
    for (const text of [`${line}\n`, `${line}\r\n`]) {
      for (const chunks of chunkings(text)) expect(run(chunks, 16).events).toEqual(frames(line));
    }
    expect(run([`${line}z\r\n`], 16).events).toEqual([{ drop: 'oversize' }]);
  });

  it('delivers an unterminated last line at a clean end and truncates it otherwise', () => {
    expect(run(['<1>a\n<1>b'], 64, 'flush').events).toEqual(frames('<1>a', '<1>b'));
    expect(run(['<1>a\n<1>b'], 64, 'discard').events).toEqual([{ frame: '<1>a' }, { drop: 'truncated' }]);
  });

  it('hands out slices of the pushed chunk on the happy path (no copy)', () => {
    const chunk = Buffer.from('<1>a\n<1>b\n');
    const got: Buffer[] = [];
    const framer = new StreamFramer({ maxFrameBytes: 64, onFrame: (b) => got.push(b), onDrop: () => {} });
    framer.push(chunk);
    expect(got.map((b) => b.buffer === chunk.buffer)).toEqual([true, true]);
  });

  it('does not let a later chunk overwrite a frame assembled from a carry', () => {
    const got: Buffer[] = [];
    const framer = new StreamFramer({ maxFrameBytes: 64, onFrame: (b) => got.push(b), onDrop: () => {} });
    framer.push(Buffer.from('<1>fir'));
    framer.push(Buffer.from('st\n<1>sec'));
    framer.push(Buffer.from('ond\n'));
    expect(got.map((b) => b.toString())).toEqual(['<1>first', '<1>second']);
  });
});

describe('StreamFramer: octet counting', () => {
  it('reads octet-counted frames, including LF and NUL inside the body', () => {
    const { events, framer } = run(['5 <1>ab11 <1>a\nb\0cdef']);
    expect(events).toEqual(frames('<1>ab', '<1>a\nb\0cdef'));
    expectAccounted(framer);
  });

  it('reassembles octet-counted frames split at every point, mixed with LF frames', () => {
    const text = '12 <13>hello yo<13>line\n8 <13>last';
    for (const chunks of chunkings(text)) {
      const { events, framer } = run(chunks);
      expect(events, JSON.stringify(chunks)).toEqual(frames('<13>hello yo', '<13>line', '<13>last'));
      expectAccounted(framer);
    }
  });

  it('strips a trailer the sender counted into the body, and ignores one it sent after it', () => {
    expect(run(['5 <1>a\n6 <1>b\r\n']).events).toEqual(frames('<1>a', '<1>b'));
    expect(run(['4 <1>a\n4 <1>b\r\n4 <1>c\0']).events).toEqual(frames('<1>a', '<1>b', '<1>c'));
    // only one blank line after an octet frame is a trailer
    expect(run(['4 <1>a\n\n']).events).toEqual([{ frame: '<1>a' }, { drop: 'empty' }]);
  });

  it('skips exactly len bytes of an oversize octet-counted frame without buffering them', () => {
    const body = 'A\n'.repeat(50); // LFs inside must not resync the framer
    const text = `100 ${body}5 <1>ok`;
    for (const chunks of [[text], [text.slice(0, 30), text.slice(30, 90), text.slice(90)]]) {
      const events: Event[] = [];
      const framer = new StreamFramer({
        maxFrameBytes: 16,
        onFrame: (b) => events.push({ frame: b.toString() }),
        onDrop: (reason) => events.push({ drop: reason }),
      });
      for (const c of chunks) {
        framer.push(Buffer.from(c));
        if (framer.stats().bytesIn < 104) expect(framer.stats().pendingBytes).toBe(0);
      }
      framer.end();
      expect(events).toEqual([{ drop: 'oversize' }, { frame: '<1>ok' }]);
      expectAccounted(framer);
    }
  });

  it('rejects an octet count with too many digits and resyncs at the next LF', () => {
    const { events, framer } = run(['12345678901234567890 junk\n<1>ok\n']);
    expect(events).toEqual([{ drop: 'bad_frame' }, { frame: '<1>ok' }]);
    expectAccounted(framer);
  });

  it('rejects an absurd octet count and resyncs at the next LF', () => {
    const { events, framer } = run(['999999999 junk\n<1>ok\n'], 64, 'flush', 1000);
    expect(events).toEqual([{ drop: 'bad_frame' }, { frame: '<1>ok' }]);
    expectAccounted(framer);
  });

  it('reports a partial octet-counted frame at close as truncated, even on a clean end', () => {
    expect(run(['10 <1>ab'], 64, 'flush').events).toEqual([{ drop: 'truncated' }]);
    expect(run(['10 '], 64, 'flush').events).toEqual([{ drop: 'truncated' }]);
    expect(run(['10'], 64, 'flush').events).toEqual([{ drop: 'truncated' }]);
  });

  it('does not report an unfinished oversize skip again at close', () => {
    expect(run(['100 abc'], 16, 'discard').events).toEqual([{ drop: 'oversize' }]);
  });

  it('refuses to be used after end() and from inside a callback', () => {
    const framer: StreamFramer = new StreamFramer({
      maxFrameBytes: 64,
      onFrame: () => framer.end(),
      onDrop: () => {},
    });
    expect(() => framer.push(Buffer.from('<1>a\n'))).toThrow(/inside/);
    framer.end();
    expect(() => framer.push(Buffer.from('x'))).toThrow(/after end/);
  });
});

// Bytes drawn mostly from the characters that matter to the framer.
const framingByte = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(0x0a, 0x0d, 0x00, 0x20, 0x30, 0x31, 0x35, 0x39, 0x3c, 0x61) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 255 }) },
);
const streamBytes = fc.uint8Array({ maxLength: 300 }).chain((noise) =>
  fc.array(framingByte, { maxLength: 300 }).map((structured) => {
    const out = Buffer.alloc(noise.length + structured.length);
    Buffer.from(noise).copy(out);
    Buffer.from(structured).copy(out, noise.length);
    return out;
  }),
);

/** Cut `bytes` at the given (unsorted, possibly duplicate) points. */
function cut(bytes: Buffer, points: readonly number[]): Buffer[] {
  const sorted = [...new Set(points.map((p) => p % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const p of sorted) {
    out.push(bytes.subarray(prev, p));
    prev = p;
  }
  out.push(bytes.subarray(prev));
  return out;
}

describe('StreamFramer: properties', () => {
  it('accounts for every byte (frame, drop or framing) under any chunking', () => {
    fc.assert(
      fc.property(
        streamBytes,
        fc.array(fc.nat(), { maxLength: 20 }),
        fc.integer({ min: 1, max: 40 }),
        fc.constantFrom<FramerEndMode>('flush', 'discard'),
        (bytes, points, maxFrameBytes, mode) => {
          let delivered = 0;
          const framer = new StreamFramer({ maxFrameBytes, maxOctetCount: 200, onFrame: (b) => (delivered += b.length), onDrop: () => {} });
          for (const chunk of cut(bytes, points)) {
            framer.push(chunk);
            expectAccounted(framer);
            expect(framer.stats().pendingBytes).toBeLessThanOrEqual(Math.max(maxFrameBytes + 1, 200, 10));
          }
          framer.end(mode);
          const s = framer.stats();
          expect(s.pendingBytes).toBe(0);
          expect(s.bytesIn).toBe(bytes.length);
          expect(s.frameBytes).toBe(delivered);
          expect(s.frameBytes + s.droppedBytes + s.overheadBytes).toBe(bytes.length);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('produces the same frames and drops however the stream is chunked', () => {
    fc.assert(
      fc.property(streamBytes, fc.array(fc.nat(), { maxLength: 20 }), fc.integer({ min: 1, max: 40 }), (bytes, points, max) => {
        const whole = run([bytes], max, 'flush', 200).events;
        const pieces = run(cut(bytes, points), max, 'flush', 200).events;
        expect(pieces).toEqual(whole);
      }),
      { numRuns: 500 },
    );
  });

  it('round-trips any messages in any mix of framings', () => {
    // LF-framed messages look like syslog (start with "<"), contain no LF/NUL and do not end with CR;
    // octet-counted bodies may contain anything but must not end with a trailer the framer would strip.
    const lineMessage = fc
      .uint8Array({ minLength: 0, maxLength: 40 })
      .map((b) => Buffer.concat([Buffer.from('<'), Buffer.from(b.map((x) => (x === 0x0a || x === 0x00 || x === 0x0d ? 0x2e : x)))]));
    const octetMessage = fc.uint8Array({ minLength: 1, maxLength: 41 }).filter((b) => {
      const last = b[b.length - 1];
      return last !== 0x0a && last !== 0x00;
    });
    const item = fc.oneof(
      lineMessage.chain((m) => fc.constantFrom('\n', '\r\n', '\0').map((t) => ({ msg: Buffer.from(m), wire: Buffer.concat([m, Buffer.from(t)]) }))),
      octetMessage.map((m) => ({ msg: Buffer.from(m), wire: Buffer.concat([Buffer.from(`${m.length} `), m]) })),
    );
    fc.assert(
      fc.property(fc.array(item, { maxLength: 30 }), fc.array(fc.nat(), { maxLength: 30 }), (items, points) => {
        const got: Buffer[] = [];
        const drops: DropReason[] = [];
        const framer = new StreamFramer({ maxFrameBytes: 41, onFrame: (b) => got.push(Buffer.from(b)), onDrop: (r) => drops.push(r) });
        for (const chunk of cut(Buffer.concat(items.map((i) => i.wire)), points)) framer.push(chunk);
        framer.end('discard');
        expect(drops).toEqual([]);
        expect(got.map((b) => b.toString('hex'))).toEqual(items.map((i) => i.msg.toString('hex')));
      }),
      { numRuns: 300 },
    );
  });
});
