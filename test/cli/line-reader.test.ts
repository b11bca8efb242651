import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readLines } from '../../src/cli/line-reader.js';

async function collect(chunks: (string | Buffer)[], max?: number, stats = { truncatedLines: 0 }): Promise<string[]> {
  const out: string[] = [];
  for await (const line of readLines(Readable.from(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c) : c))), max, stats)) out.push(line.toString('latin1'));
  return out;
}

describe('readLines', () => {
  it('splits on LF across chunk boundaries, strips one CR, keeps an unterminated last line', async () => {
    expect(await collect(['a\r\nb', 'c\n', '\nd'])).toEqual(['a', 'bc', '', 'd']);
  });

  it('passes bytes through untouched (invalid UTF-8 included)', async () => {
    const out: Buffer[] = [];
    for await (const l of readLines(Readable.from([Buffer.from([0xff, 0x41, 0x0a, 0xc3])]))) out.push(l);
    expect(out).toEqual([Buffer.from([0xff, 0x41]), Buffer.from([0xc3])]);
  });

  it('cuts a line longer than the limit and skips the rest of it, counting it', async () => {
    const stats = { truncatedLines: 0 };
    expect(await collect(['12345', '6789', '0\nnext\n'], 6, stats)).toEqual(['123456', 'next']);
    expect(stats.truncatedLines).toBe(1);
  });
});
