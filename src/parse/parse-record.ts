/** The JSON object `syslog-sentinel parse` prints per line: the parsed fields in a fixed key order. */
import type { StructuredData, SyslogFormat, SyslogMessage } from './types.js';

export interface ParseRecord {
  readonly protocol: SyslogFormat;
  readonly pri: number | null;
  readonly facility: string | null;
  readonly severity: string | null;
  readonly timestamp: string | null;
  readonly hostname: string | null;
  readonly appname: string | null;
  readonly procid: string | null;
  readonly msgid: string | null;
  readonly structuredData: StructuredData | null;
  readonly message: string;
}

/** Keys exactly: protocol, pri, facility, severity, timestamp, hostname, appname, procid, msgid, structuredData, message. */
export function toParseRecord(msg: SyslogMessage): ParseRecord {
  return {
    protocol: msg.protocol,
    pri: msg.pri,
    facility: msg.facility,
    severity: msg.severity,
    timestamp: msg.timestamp,
    hostname: msg.hostname,
    appname: msg.appname,
    procid: msg.procid,
    msgid: msg.msgid,
    structuredData: msg.structuredData,
    message: msg.message,
  };
}
