/**
 * `syslog-sentinel simulate --target URL --rate N --duration D --scenario NAME ...`: sends realistic syslog
 * traffic to a receiver (this appliance, for a demo or a test) and prints a one-line JSON summary on stdout.
 * Loopback targets only unless --allow-remote. Exit codes: 0 done (also when stopped early by `stop`, i.e.
 * SIGINT), 1 no connection or the connection broke, 2 bad arguments or a forbidden target.
 */
import { readFileSync } from 'node:fs';
import { parseSimulateOptions, MAX_HOSTS, MAX_RATE } from '../simulate/options.js';
import { runSimulation, targetText } from '../simulate/simulator.js';
import { resolveTarget, TargetError, type ResolvedTarget } from '../simulate/target.js';
import { openTransport, type Transport } from '../simulate/transport.js';
import type { CliIo } from './io.js';

const USAGE = `usage: syslog-sentinel simulate --target URL --rate N --duration D --scenario NAME [options]

Sends a mix of RFC 3164 and RFC 5424 lines from many simulated hosts, paced at N lines/s, and prints a
one-line JSON summary on stdout. Ctrl-C stops early (the summary is still printed).
  --target URL        udp://HOST:PORT, tcp://HOST:PORT or tls://HOST:PORT (IPv6: udp://[::1]:5514)
  --rate N            lines per second, 1-${MAX_RATE}
  --duration D        how long: 500ms, 30s, 5m, 1h (at most 24h; a bare number is seconds)
  --scenario NAME     mixed       background traffic only (sshd, cron, kernel, nginx, router, systemd)
                      ssh-burst   background + every 10 s a burst of 8 sshd "Invalid user" lines from one attacker
                      keyword     background + every 5 s a line with a keyword of the default config
  --hosts N           simulated hosts, 1-${MAX_HOSTS} (default 50)
  --seed N            seed for the line sequence, 0-4294967295 (default: random, reported in the summary)
  --format F          mixed (default, about 35% RFC 5424), rfc3164 or rfc5424
  --framing F         tcp/tls only: octet (RFC 6587 octet counting, default) or lf
  --ca FILE           tls only: PEM certificate(s) to trust for the receiver
  --insecure          tls only: do not verify the receiver's certificate (testing only)
  --allow-remote      allow targets other than 127.0.0.0/8, ::1 and localhost
`;

const CONNECT_TIMEOUT_MS = 5000;

export async function simulateCommand(
  argv: readonly string[],
  io: CliIo,
  /** Aborted (by main.ts on SIGINT): stop sending, print the summary, exit 0. */
  stop: AbortSignal = new AbortController().signal,
): Promise<number> {
  const parsed = parseSimulateOptions(argv, Math.floor(Math.random() * 2 ** 32));
  if (!parsed.ok) {
    if (parsed.help) {
      io.stdout.write(USAGE);
      return 0;
    }
    io.stderr.write(`syslog-sentinel simulate: ${parsed.error}\n${USAGE}`);
    return 2;
  }
  const options = parsed.options;
  const where = targetText(options);

  let target: ResolvedTarget;
  try {
    target = await resolveTarget(options.target, options.allowRemote);
  } catch (err) {
    if (!(err instanceof TargetError)) throw err;
    io.stderr.write(`syslog-sentinel simulate: ${err.message}\n`);
    return 2;
  }
  let ca: Buffer | null = null;
  if (options.ca !== null) {
    try {
      ca = readFileSync(options.ca);
    } catch (err) {
      io.stderr.write(`syslog-sentinel simulate: cannot read --ca ${options.ca}: ${(err as Error).message}\n`);
      return 2;
    }
  }
  if (options.insecure) {
    io.stderr.write(`syslog-sentinel simulate: WARNING: --insecure: the certificate of ${where} is NOT verified; anyone in the path can read and change this traffic. Use --ca FILE outside of tests.\n`);
  }

  let transport: Transport;
  try {
    transport = await openTransport(target, { framing: options.framing, ca, insecure: options.insecure, connectTimeoutMs: CONNECT_TIMEOUT_MS });
  } catch (err) {
    io.stderr.write(`syslog-sentinel simulate: cannot connect to ${where}: ${(err as Error).message}\n`);
    return 1;
  }
  const remote = target.address === target.host ? target.address : `${target.host} = ${target.address}`;
  io.stderr.write(`syslog-sentinel simulate: ${options.scenario} to ${where} (${remote}) at ${options.rate} lines/s for ${options.durationMs / 1000} s, seed ${options.seed}\n`);

  const summary = await runSimulation(options, { transport, signal: stop });
  io.stdout.write(`${JSON.stringify(summary)}\n`);
  if (target.protocol === 'udp' && summary.errors > 0) {
    const hint = transport.firstError === 'ECONNREFUSED' ? `: is anything listening on ${where}?` : '';
    io.stderr.write(`syslog-sentinel simulate: ${summary.errors} datagrams could not be sent (first error ${transport.firstError}${hint})\n`);
  }
  if (summary.error !== undefined) {
    io.stderr.write(`syslog-sentinel simulate: the connection to ${where} broke after ${summary.sent} lines: ${summary.error}\n`);
    return 1;
  }
  return 0;
}
