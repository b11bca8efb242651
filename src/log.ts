import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** Keys that may carry secrets anywhere in a logged object; their values are never written. */
export const REDACTED_KEYS = ['botToken', 'appToken', 'signingSecret', 'token', 'password', 'authorization', 'key', 'apiKey', 'cert', 'url'];

/**
 * Structured JSON logs on stderr (stdout is reserved for alert output). Components take a child logger:
 * `log.child({ component: 'udp' })`.
 */
export function createLogger(level: string, destination: DestinationStream = pino.destination({ fd: 2, sync: false })): Logger {
  return pino(
    {
      level,
      base: { name: 'syslog-sentinel' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACTED_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]), censor: '[redacted]' },
    },
    destination,
  );
}
