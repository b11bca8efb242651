/**
 * Making untrusted text (log lines, host names, user names from the network) inert in Slack. `&`, `<` and `>`
 * are the only control characters of Slack's mrkdwn: once escaped, a log line cannot form `<!channel>`,
 * `<!here>`, `<@U…>`, `<!subteam^…>` or a disguised `<https://…|link>`. As defence in depth bare `@here`,
 * `@channel` and `@everyone` get an invisible word joiner (U+2060) after the `@`, and the text is cut to Slack's limits.
 */

/** U+2060 WORD JOINER: invisible, and it keeps `@here` from being read as a broadcast. */
const WORD_JOINER = '\u2060';

/** Escapes for a mrkdwn text object or a message's top-level `text` (`&` first). */
export function escapeMrkdwn(text: string): string {
  return breakBroadcasts(text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));
}

/** For plain_text objects: nothing is parsed there, but a bare @channel is still broken up. */
export function plainText(text: string): string {
  return breakBroadcasts(text);
}

function breakBroadcasts(text: string): string {
  return text.replace(/@(here|channel|everyone)\b/gi, `@${WORD_JOINER}$1`);
}

/** Cuts to at most `max` UTF-16 units without splitting a surrogate pair, marking the cut with "…". */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}

/**
 * Control characters (other than tab) would garble a line in Slack, and bidirectional overrides could make a
 * line read differently from what it says; show them as U+FFFD.
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '\ufffd');
}
