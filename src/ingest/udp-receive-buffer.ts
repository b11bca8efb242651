/**
 * Asking the kernel for a large UDP receive buffer and saying plainly what it granted: Linux reports SO_RCVBUF
 * doubled (for its bookkeeping) and caps it at net.core.rmem_max, which is the usual reason bursts are dropped.
 */
import type dgram from 'node:dgram';
import type { Logger } from 'pino';
import type { ReadText } from './udp-kernel-drops.js';

const RMEM_MAX_PATH = '/proc/sys/net/core/rmem_max';

/** The SO_RCVBUF outcome, as logged at start. */
export interface ReceiveBufferReport {
  readonly requestedBytes: number;
  /** What getsockopt(SO_RCVBUF) returned. */
  readonly reportedBytes: number;
  /** What datagrams can actually use: half the reported value on Linux, which doubles it for bookkeeping. */
  readonly usableBytes: number;
  /** net.core.rmem_max when readable, else null. */
  readonly rmemMaxBytes: number | null;
  /** True when the kernel granted less than was asked. */
  readonly capped: boolean;
}

export interface ReceiveBufferOptions {
  readonly requestedBytes: number;
  /** host:port, for the log line. */
  readonly endpoint: string;
  readonly platform: NodeJS.Platform;
  /** Reads a small text file, null when unreadable (tests fake /proc/sys/net/core/rmem_max). */
  readonly readText: ReadText;
  readonly logger: Logger;
}

/** Sets SO_RCVBUF, reads back what the kernel granted, logs it, and warns (with the sysctl) when it was capped. */
export function tuneReceiveBuffer(socket: dgram.Socket, o: ReceiveBufferOptions): ReceiveBufferReport {
  const { requestedBytes, endpoint, logger } = o;
  try {
    socket.setRecvBufferSize(requestedBytes);
  } catch (err) {
    logger.warn({ err, requestedBytes }, 'could not set the UDP receive buffer size; using the kernel default');
  }
  let reportedBytes = 0;
  try {
    reportedBytes = socket.getRecvBufferSize();
  } catch (err) {
    logger.warn({ err }, 'could not read back the UDP receive buffer size');
  }
  const linux = o.platform === 'linux';
  const usableBytes = linux ? Math.floor(reportedBytes / 2) : reportedBytes;
  const rmemText = linux ? o.readText(RMEM_MAX_PATH) : null;
  const rmemMax = rmemText === null ? Number.NaN : Number(rmemText.trim());
  const rmemMaxBytes = Number.isSafeInteger(rmemMax) && rmemMax > 0 ? rmemMax : null;
  const capped = usableBytes < requestedBytes;
  logger.info(
    { endpoint, requestedBytes, usableBytes, kernelReportedBytes: reportedBytes, rmemMaxBytes },
    linux
      ? `udp listener bound on ${endpoint}; receive buffer ${usableBytes} bytes usable (Linux reports ${reportedBytes}: it doubles SO_RCVBUF for bookkeeping)`
      : `udp listener bound on ${endpoint}; receive buffer ${usableBytes} bytes`,
  );
  if (capped) {
    if (rmemMaxBytes !== null && rmemMaxBytes < requestedBytes) {
      logger.warn(
        { requestedBytes, usableBytes, rmemMaxBytes },
        `UDP receive buffer capped at ${usableBytes} bytes by net.core.rmem_max=${rmemMaxBytes} (asked ${requestedBytes}); ` +
          `bursts may overflow it and the kernel will drop datagrams. Raise the cap: ` +
          `sudo sysctl -w net.core.rmem_max=${requestedBytes} (persist it in /etc/sysctl.d/) and restart`,
      );
    } else {
      logger.warn(
        { requestedBytes, usableBytes, rmemMaxBytes },
        `the kernel granted a ${usableBytes}-byte UDP receive buffer, less than the ${requestedBytes} asked; bursts may be dropped`,
      );
    }
  }
  return { requestedBytes, reportedBytes, usableBytes, rmemMaxBytes, capped };
}
