/**
 * Timestamps as senders write them, from the local clock: RFC 3164 "Mmm dd hh:mm:ss" (day space-padded, local
 * time, no year and no zone, as syslogd writes it) and RFC 3339 with milliseconds and the local UTC offset (as
 * rsyslog's RFC 5424 template writes it). Also nginx's access-log stamp.
 */

export const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

/** Two digits, zero-padded. */
export function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function clock(d: Date): string {
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/** The local offset as "+hh:mm" / "-hh:mm" (with `colon` false: "+hhmm"). */
function offset(d: Date, colon: boolean): string {
  const minutes = -d.getTimezoneOffset();
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${two(Math.floor(abs / 60))}${colon ? ':' : ''}${two(abs % 60)}`;
}

/** "Oct  1 22:14:15" in local time. */
export function bsdTimestamp(d: Date): string {
  return `${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2, ' ')} ${clock(d)}`;
}

/** "2026-10-01T22:14:15.123+02:00" in local time. */
export function rfc3339Timestamp(d: Date): string {
  const ms = String(d.getMilliseconds()).padStart(3, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${clock(d)}.${ms}${offset(d, true)}`;
}

/** nginx's $time_local: "01/Oct/2026:22:14:15 +0200". */
export function accessLogTimestamp(d: Date): string {
  return `${two(d.getDate())}/${MONTHS[d.getMonth()]}/${d.getFullYear()}:${clock(d)} ${offset(d, false)}`;
}
