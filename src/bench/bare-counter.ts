/**
 * The baseline: a bare Node process that only counts. UDP: one count per datagram ('message' event). TCP: one
 * count per LF in the byte stream. It asks the same SO_RCVBUF as the appliance and answers counts over IPC.
 * Run as its own process by bare-receiver.ts; argv[2] = receive buffer bytes to ask.
 */
import dgram from 'node:dgram';
import net from 'node:net';

export type BareCounterRequest = { readonly type: 'counts' };
export type BareCounterReply =
  | { readonly type: 'ready'; readonly udpPort: number; readonly tcpPort: number; readonly rcvbufReported: number }
  | { readonly type: 'counts'; readonly udp: number; readonly tcp: number };

const LF = 0x0a;
const askedRcvbuf = Number(process.argv[2] ?? 8 * 1024 * 1024);

let udpCount = 0;
let tcpCount = 0;

const udp = dgram.createSocket({ type: 'udp4' });
udp.on('message', () => {
  udpCount++;
});

const tcp = net.createServer((socket) => {
  socket.on('data', (chunk: Buffer) => {
    let i = chunk.indexOf(LF);
    while (i !== -1) {
      tcpCount++;
      i = chunk.indexOf(LF, i + 1);
    }
  });
  socket.on('error', () => undefined);
  socket.on('end', () => socket.end());
});

await new Promise<void>((resolve) => udp.bind({ address: '127.0.0.1', port: 0 }, resolve));
try {
  udp.setRecvBufferSize(askedRcvbuf);
} catch {
  // Reported below as whatever the kernel kept.
}
await new Promise<void>((resolve) => tcp.listen({ host: '127.0.0.1', port: 0 }, resolve));

process.on('message', (m: BareCounterRequest) => {
  if (m.type === 'counts') process.send?.({ type: 'counts', udp: udpCount, tcp: tcpCount } satisfies BareCounterReply);
});
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => {
  udp.close();
  tcp.close();
  process.exit(0);
});

const ready: BareCounterReply = {
  type: 'ready',
  udpPort: udp.address().port,
  tcpPort: (tcp.address() as net.AddressInfo).port,
  rcvbufReported: udp.getRecvBufferSize(),
};
process.send?.(ready);
