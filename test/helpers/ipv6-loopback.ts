import net from 'node:net';

/** Whether ::1 can be bound here (containers and CI hosts sometimes run without IPv6). */
export function ipv6LoopbackAvailable(): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(0, '::1', () => server.close(() => resolve(true)));
  });
}
