/**
 * One simulated log event and how it goes on the wire: RFC 3164 (`<PRI>Mmm dd hh:mm:ss host app[pid]: text`) or
 * RFC 5424 (`<PRI>1 TIMESTAMP host app procid msgid SD text`). Templates build events; the format is chosen
 * per line (see scenarios.ts), so every kind of line is sent both ways.
 */
import { bsdTimestamp, rfc3339Timestamp } from './timestamps.js';

export type LineFormat = 'rfc3164' | 'rfc5424';

export interface SyslogEvent {
  readonly facility: number;
  readonly severity: number;
  /** Program name; null for devices that put their own tag in the text (Cisco `%FAC-SEV-MNEMONIC:`). */
  readonly app: string | null;
  readonly procid: string | null;
  readonly msgid?: string;
  /** Ready-made RFC 5424 structured data (`[id k="v"]`); left out of RFC 3164 lines. */
  readonly structuredData?: string;
  readonly text: string;
}

export function renderLine(format: LineFormat, event: SyslogEvent, host: string, now: Date): string {
  const pri = `<${event.facility * 8 + event.severity}>`;
  if (format === 'rfc5424') {
    const app = event.app ?? '-';
    return `${pri}1 ${rfc3339Timestamp(now)} ${host} ${app} ${event.procid ?? '-'} ${event.msgid ?? '-'} ${event.structuredData ?? '-'} ${event.text}`;
  }
  const tag = event.app === null ? '' : event.procid === null ? `${event.app}: ` : `${event.app}[${event.procid}]: `;
  return `${pri}${bsdTimestamp(now)} ${host} ${tag}${event.text}`;
}
