/**
 * Keying: a rule's groupBy fields → the group key of a matching line and its fingerprint, the identity of
 * (rule, key) that the state and the incident share. The fingerprint is `rule{field="value",...}` with values
 * JSON-quoted: readable, short, and collision-free (rule names cannot contain "{", field names are identifiers,
 * values are quoted). A value longer than MAX_PLAIN_VALUE characters appears as its SHA-256 instead.
 */
import { createHash } from 'node:crypto';
import type { ReceivedMessage } from '../pipeline/types.js';
import type { GroupKey } from './types.js';
import type { Captures } from './match.js';

/** Values longer than this are kept as their SHA-256 (in fingerprints and distinct counts): bounds the state an attacker's input can fill. */
export const MAX_PLAIN_VALUE = 128;

/**
 * One field's value for a line: `host` = the message's hostname or else the sender address, `sourceIp` = the
 * sender address, `appname` = the program ("" when absent), anything else = that named capture (undefined when
 * the pattern that matched does not define it or it did not participate).
 */
export function fieldValue(field: string, m: ReceivedMessage, captures: Captures): string | undefined {
  switch (field) {
    case 'host':
      return m.host;
    case 'sourceIp':
      return m.frame.remoteAddress;
    case 'appname':
      return m.syslog.appname ?? '';
    default:
      return captures[field];
  }
}

export class GroupKeyer {
  readonly #prefix: string;
  constructor(
    rule: string,
    readonly fields: readonly string[],
  ) {
    this.#prefix = `${rule}{`;
  }

  /** The key's values, in groupBy order (a missing capture is ""). */
  values(m: ReceivedMessage, captures: Captures): string[] {
    const out = new Array<string>(this.fields.length);
    for (let i = 0; i < this.fields.length; i++) out[i] = fieldValue(this.fields[i]!, m, captures) ?? '';
    return out;
  }

  fingerprint(values: readonly string[]): string {
    const parts = new Array<string>(values.length + 2);
    parts[0] = this.#prefix;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      parts[i + 1] = `${i === 0 ? '' : ','}${this.fields[i]}=${v.length > MAX_PLAIN_VALUE ? `sha256:${sha256(v)}` : JSON.stringify(v)}`;
    }
    parts[values.length + 1] = '}';
    // join() builds one flat string; a chain of += would leave a tree of cons strings behind in the state map.
    return parts.join('');
  }

  key(values: readonly string[]): GroupKey {
    const key: Record<string, string> = {};
    for (let i = 0; i < values.length; i++) key[this.fields[i]!] = values[i]!;
    return key;
  }
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
