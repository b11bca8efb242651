/**
 * Splits a byte stream into lines for the offline commands (parse, replay): LF-separated, one trailing CR
 * removed, bytes left as they are (invalid UTF-8 reaches the parser exactly as a network frame would). A line
 * longer than maxLineBytes is cut there; the rest of it, up to the next LF, is skipped and counted.
 */
const LF = 0x0a;
const CR = 0x0d;

export interface LineReaderStats {
  truncatedLines: number;
}

export async function* readLines(
  input: AsyncIterable<Buffer | string>,
  maxLineBytes = 1024 * 1024,
  stats: LineReaderStats = { truncatedLines: 0 },
): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let skipping = false;
  const finish = (piece: Buffer): Buffer => {
    let line = piece;
    if (pending.length > 0) {
      line = Buffer.concat([...pending, piece]);
      pending = [];
      pendingBytes = 0;
    }
    if (line.length > maxLineBytes) {
      line = line.subarray(0, maxLineBytes);
      stats.truncatedLines++;
    }
    return line.length > 0 && line[line.length - 1] === CR ? line.subarray(0, line.length - 1) : line;
  };
  for await (const chunk of input) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    let start = 0;
    for (let lf = buf.indexOf(LF); lf >= 0; lf = buf.indexOf(LF, start)) {
      const piece = buf.subarray(start, lf);
      start = lf + 1;
      if (skipping) {
        skipping = false;
        continue;
      }
      yield finish(piece);
    }
    if (start < buf.length && !skipping) {
      const rest = buf.subarray(start);
      pending.push(rest);
      pendingBytes += rest.length;
      if (pendingBytes > maxLineBytes) {
        const line = finish(Buffer.alloc(0));
        skipping = true;
        yield line;
      }
    }
  }
  if (pending.length > 0) yield finish(Buffer.alloc(0));
}
