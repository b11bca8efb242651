import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { StreamFramer } from '../../src/ingest/framing.js';
import { StreamFrame } from '../../src/ingest/stream-frame.js';
import type { DropReason } from '../../src/ingest/types.js';

function cut(buf: Buffer, points: readonly number[]): Buffer[] {
  const at = [...new Set(points.map((p) => p % (buf.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const p of at) {
    if (p > prev) out.push(buf.subarray(prev, p));
    prev = p;
  }
  if (prev < buf.length) out.push(buf.subarray(prev));
  return out;
}

describe('StreamFramer.onFrameAt', () => {
  it('delivers the same frames and drops as onFrame, as ranges of the chunk or of the carry', () => {
    const body = fc.uint8Array({ minLength: 0, maxLength: 50 }).map((a) => Buffer.from(a));
    const item = fc.oneof(
      body.chain((m) => fc.constantFrom('\n', '\r\n', '\0').map((t) => Buffer.concat([m, Buffer.from(t)]))),
      body.map((m) => Buffer.concat([Buffer.from(`${m.length} `), m])),
    );
    fc.assert(
      fc.property(fc.array(item, { maxLength: 25 }), fc.array(fc.nat(), { maxLength: 25 }), (items, points) => {
        const wire = Buffer.concat(items);
        const viaFrame: string[] = [];
        const viaRange: string[] = [];
        const drops: [DropReason[], DropReason[]] = [[], []];
        const a = new StreamFramer({ maxFrameBytes: 40, onFrame: (b) => viaFrame.push(b.toString('hex')), onDrop: (r) => drops[0].push(r) });
        const b = new StreamFramer({
          maxFrameBytes: 40,
          onFrameAt: (buf, start, end) => viaRange.push(buf.toString('hex', start, end)),
          onDrop: (r) => drops[1].push(r),
        });
        for (const chunk of cut(wire, points)) {
          a.push(chunk);
          b.push(chunk);
        }
        a.end('flush');
        b.end('flush');
        expect(viaRange).toEqual(viaFrame);
        expect(drops[1]).toEqual(drops[0]);
        expect(b.stats()).toEqual(a.stats());
      }),
      { numRuns: 300 },
    );
  });

  it('needs a frame callback', () => {
    expect(() => new StreamFramer({ maxFrameBytes: 10, onDrop: () => {} })).toThrow(TypeError);
  });
});

describe('StreamFrame', () => {
  const frameOf = (buf: Buffer, start: number, end: number) => new StreamFrame(buf, start, end, 1, 2, 'tcp', '192.0.2.1', 5000, 'l');

  it('carries its range decoded as UTF-8, exactly what its bytes decode to, bad sequences included', () => {
    const chunk = Buffer.concat([Buffer.from('<13>h a: caf\u00e9 \ufeff '), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from(' end\n<13>next')]);
    const end = chunk.indexOf(0x0a);
    const f = frameOf(chunk, 0, end);
    expect(f.text).toBe(chunk.subarray(0, end).toString());
    expect(f.bytes.equals(chunk.subarray(0, end))).toBe(true);
    const g = frameOf(chunk, end + 1, chunk.length);
    expect(g.text).toBe('<13>next');
  });

  it('makes its bytes only when read: a view of the chunk, the same one on every read', () => {
    const chunk = Buffer.from('xx<13>abc\n');
    const f = frameOf(chunk, 2, 9);
    expect(f.bytes).toBe(f.bytes);
    expect(f.bytes.buffer).toBe(chunk.buffer);
    expect(f.bytes.toString()).toBe('<13>abc');
    expect(f).toMatchObject({ receivedAt: 1, receivedMono: 2, transport: 'tcp', remoteAddress: '192.0.2.1', remotePort: 5000, listener: 'l' });
  });
});
