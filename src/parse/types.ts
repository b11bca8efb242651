/** The parser's output: one read-only value per received message. */

export const FACILITY_NAMES = [
  'kern', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news', 'uucp', 'cron', 'authpriv', 'ftp', 'ntp', 'audit',
  'alert', 'clock', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7',
] as const;
export type FacilityName = (typeof FACILITY_NAMES)[number];

export const SEVERITY_NAMES = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'] as const;
export type SeverityName = (typeof SEVERITY_NAMES)[number];

export const SYSLOG_FORMATS = ['rfc5424', 'rfc3164', 'unknown'] as const;
export type SyslogFormat = (typeof SYSLOG_FORMATS)[number];

/** {SD-ID: {PARAM-NAME: value}} with escapes resolved. */
export type StructuredData = Readonly<Record<string, Readonly<Record<string, string>>>>;

export interface SyslogMessage {
  /**
   * Which grammar matched: 'rfc5424' (VERSION and header), 'rfc3164' (a timestamp in BSD framing) or 'unknown'
   * (neither: the text after the PRI is the message, except that a recognisable `host prog[pid]:` prefix, a
   * leading IP address or a MikroTik topic list still fills hostname/appname/procid).
   */
  readonly protocol: SyslogFormat;
  readonly pri: number | null;
  readonly facility: FacilityName | null;
  readonly severity: SeverityName | null;
  /** ISO 8601 with offset (fraction kept as sent, up to 9 digits), or null when the message carries none. */
  readonly timestamp: string | null;
  /** The same instant in epoch milliseconds, or null. */
  readonly timestampMs: number | null;
  /** As sent; null when absent (the pipeline falls back to the sender address). */
  readonly hostname: string | null;
  readonly appname: string | null;
  readonly procid: string | null;
  readonly msgid: string | null;
  /** RFC 5424 structured data; null for NILVALUE or formats without it. */
  readonly structuredData: StructuredData | null;
  readonly message: string;
}

export interface ParseOptions {
  /** Zone for timestamps that carry no offset: 'UTC', an IANA name ('Europe/Berlin') or a fixed offset ('+02:00'). */
  readonly timezone: string;
  /** Reference time (epoch ms) for year inference of year-less BSD timestamps. */
  readonly now: number;
}
