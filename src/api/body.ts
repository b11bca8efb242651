/**
 * Reads a request body into memory, never more than maxBytes of it: a Content-Length above the limit is refused
 * before a byte is read, and a body that grows past it (chunked, or a lying length) is refused as soon as it does.
 */
import type { IncomingMessage } from 'node:http';

export type BodyResult =
  | { readonly ok: true; readonly body: Buffer }
  | { readonly ok: false; readonly reason: 'too_large' | 'aborted'; readonly message: string };

export function readBody(req: IncomingMessage, maxBytes: number): Promise<BodyResult> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > maxBytes) {
    return Promise.resolve(tooLarge(maxBytes, `Content-Length ${declared}`));
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (result: BodyResult): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
      resolve(result);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > maxBytes) {
        // Stop buffering; whatever else arrives is discarded by the HTTP server once the answer is sent.
        req.pause();
        finish(tooLarge(maxBytes, `more than ${maxBytes} bytes`));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => finish({ ok: true, body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size) });
    const onError = (err: Error): void => finish({ ok: false, reason: 'aborted', message: `request body not received: ${err.message}` });
    const onClose = (): void => {
      if (!req.complete) finish({ ok: false, reason: 'aborted', message: 'request body not received: the client closed the connection' });
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

function tooLarge(maxBytes: number, what: string): BodyResult {
  return { ok: false, reason: 'too_large', message: `request body too large: ${what}, the limit is ${maxBytes} bytes (http.api.maxBodyBytes)` };
}
