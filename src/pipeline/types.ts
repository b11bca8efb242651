import type { RawFrame } from '../ingest/types.js';
import type { SyslogMessage } from '../parse/types.js';

/** A parsed message with its receive context: what the rule stage sees. Read-only. */
export interface ReceivedMessage {
  readonly frame: RawFrame;
  readonly syslog: SyslogMessage;
  /** The message's hostname, or the sender's address when the message names no host. */
  readonly host: string;
}

/** A synchronous stage after parsing (the rule engine). It must not block or throw on any input. */
export interface MessageStage {
  readonly name: string;
  process(message: ReceivedMessage): void;
}
