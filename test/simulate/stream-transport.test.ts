import { afterEach, describe, expect, it } from 'vitest';
import { frameMessage, openStream } from '../../src/simulate/stream-transport.js';
import { eventually } from '../helpers/appliance-process.js';
import { streamReceiver, type StreamReceiver } from './loopback-servers.js';

const receivers: StreamReceiver[] = [];
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

describe('frameMessage', () => {
  it('octet counting counts bytes, not characters; lf appends one LF', () => {
    const m = Buffer.from('<13>Jan  1 00:00:00 h a: café');
    expect(m.length).toBe(30);
    expect(Buffer.concat(frameMessage(m, 'octet')).toString()).toBe('30 <13>Jan  1 00:00:00 h a: café');
    expect(Buffer.concat(frameMessage(m, 'lf')).toString()).toBe('<13>Jan  1 00:00:00 h a: café\n');
  });
});

describe('TCP backpressure', () => {
  it('a receiver that stops reading makes send() wait for drain; it resumes when the receiver reads again', async () => {
    const rx = await streamReceiver({ paused: true });
    receivers.push(rx);
    const transport = await openStream({ protocol: 'tcp', host: '127.0.0.1', port: rx.port, address: '127.0.0.1', family: 4 }, { framing: 'octet', ca: null, insecure: false, connectTimeoutMs: 2000 });
    const batch = Array.from({ length: 1000 }, (_, i) => Buffer.from(`<13>Jan  1 00:00:00 host app[1]: line ${i} ${'x'.repeat(120)}`));
    const never = new AbortController().signal;
    let batches = 0;
    let pending: Promise<void> | null = null;
    // ~150 kB per batch; the kernel's socket buffers fill long before 400 batches (60 MB)
    while (batches < 400) {
      const send = transport.send(batch, never);
      batches++;
      const done = await Promise.race([send.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 200))]);
      if (!done) {
        pending = send;
        break;
      }
    }
    expect(pending).not.toBeNull();
    for (const s of rx.sockets) s.resume();
    await pending;
    await transport.close();
    expect(transport.failure).toBeNull();
    await eventually(() => rx.frames.length >= batches * 1000, 5000, 'every frame');
    expect(rx.frames).toHaveLength(batches * 1000);
  });
});
