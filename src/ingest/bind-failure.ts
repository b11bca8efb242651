/** Turns a socket bind error into a BindError whose message tells the operator how to fix it, in one line. */
import { BindError } from '../errors.js';
import type { Transport } from './types.js';

/** "0.0.0.0:514", "[::]:514". */
export function formatEndpoint(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

export function bindFailure(err: unknown, transport: Transport, address: string, port: number): BindError {
  const endpoint = `${transport} ${formatEndpoint(address, port)}`;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const protoFlag = transport === 'udp' ? 'u' : 't';
  let why: string;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      why =
        port > 0 && port < 1024
          ? 'permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE: use the systemd unit, ' +
            '`sudo setcap cap_net_bind_service=+ep $(which node)`, or run with --port 5514)'
          : 'permission denied (a security policy such as SELinux or AppArmor refused the port; check its audit log)';
      break;
    case 'EADDRINUSE':
      why =
        `address already in use (another process, often rsyslog or syslog-ng, is listening: find it with ` +
        `\`sudo ss -l${protoFlag}np 'sport = :${port}'\`, stop it or choose another port)`;
      break;
    case 'EADDRNOTAVAIL':
      why = "address not available (it is not one of this host's addresses: use 0.0.0.0, :: or an address shown by `ip addr`)";
      break;
    case 'EAFNOSUPPORT':
      why = 'address family not supported (IPv6 seems disabled on this host: use address 0.0.0.0)';
      break;
    default:
      why = err instanceof Error ? err.message : String(err);
  }
  return new BindError(`cannot bind ${endpoint}: ${why}`, endpoint, { cause: err });
}
