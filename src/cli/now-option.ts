import { parseRfc3339 } from '../parse/rfc3339.js';

/** --now: an RFC 3339 / ISO 8601 date-time (offset optional: then read in `timezone`) or a date (midnight). */
export function parseNowOption(text: string, timezone: string): number | null {
  const full = /^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00` : text;
  const match = parseRfc3339(full, 0, full.length, timezone, true);
  if (match === null || match.time === null || match.end !== full.length) return null;
  return match.time.ms;
}
