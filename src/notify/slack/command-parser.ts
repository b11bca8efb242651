/**
 * The `/syslog` command's text → a command, or an error message meant for the person who typed it.
 *   mute <name>=<value>|<name>=~<regex> ... <duration> [comment]
 *   unmute <mute id, or a unique prefix of at least 6 characters>
 *   mutes | status | help
 * Matcher names are checked later against the rules' group-by fields (the mute store knows them).
 */
import type { MuteMatcher } from '../../alert/types.js';
import { formatDurationMs, parseDurationMs } from '../../config/units.js';

export const MAX_MUTE_MS = 30 * 86_400_000;
const MAX_MATCHERS = 8;

export type SlashCommand =
  | { readonly kind: 'mute'; readonly matchers: readonly MuteMatcher[]; readonly durationMs: number; readonly comment: string }
  | { readonly kind: 'unmute'; readonly id: string }
  | { readonly kind: 'mutes' }
  | { readonly kind: 'status' }
  | { readonly kind: 'help' };

export type ParsedCommand = { readonly ok: true; readonly command: SlashCommand } | { readonly ok: false; readonly error: string };

export function commandUsage(command: string): string {
  return [
    `*${command} mute* \`<name>=<value> ... <duration> [comment]\`: silence matching incidents, e.g. \`${command} mute host=rpi-03 2h\` or \`${command} mute rule=ssh_invalid_user host=web01 30m noisy scanner\`. \`name=~regex\` matches a regular expression. Durations: 30m, 2h, 1d (at most ${formatDurationMs(MAX_MUTE_MS)}).`,
    `*${command} unmute* \`<id>\`: end a mute now (the first 6+ characters of the id are enough).`,
    `*${command} mutes*: list active and scheduled mutes.`,
    `*${command} status*: open incidents and message rates.`,
    `*${command} help*: this text.`,
  ].join('\n');
}

const fail = (error: string): ParsedCommand => ({ ok: false, error });

/** Slack escapes `&`, `<` and `>` in a command's text; undo it so `host=~a|b` and comments read as typed. */
export function unescapeCommandText(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

export function parseSlashCommand(raw: string): ParsedCommand {
  const text = unescapeCommandText(raw);
  const words = text.trim().split(/\s+/).filter((w) => w !== '');
  const [verb, ...args] = words;
  switch (verb?.toLowerCase()) {
    case undefined:
    case 'help':
      return { ok: true, command: { kind: 'help' } };
    case 'mutes':
    case 'status':
      if (args.length > 0) return fail(`\`${verb}\` takes no arguments.`);
      return { ok: true, command: { kind: verb.toLowerCase() as 'mutes' | 'status' } };
    case 'unmute':
      if (args.length !== 1) return fail('Usage: `unmute <id>` (see `mutes` for the ids).');
      if (!/^[A-Za-z0-9-]{6,64}$/.test(args[0]!)) return fail('A mute id is at least 6 letters, digits or dashes (see `mutes`).');
      return { ok: true, command: { kind: 'unmute', id: args[0]! } };
    case 'mute':
      return parseMute(args);
    default:
      return fail(`Unknown subcommand \`${verb}\`. Try \`help\`.`);
  }
}

function parseMute(args: readonly string[]): ParsedCommand {
  const matchers: MuteMatcher[] = [];
  let i = 0;
  for (; i < args.length; i++) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(=~|=)(.*)$/.exec(args[i]!);
    if (m === null) break;
    if (m[3] === '') return fail(`\`${args[i]}\` has no value: write \`${m[1]}${m[2]}<value>\`.`);
    matchers.push({ name: m[1]!, value: m[3]!, isRegex: m[2] === '=~' });
  }
  if (matchers.length === 0) {
    return fail('Say what to mute with at least one matcher, e.g. `mute host=rpi-03 2h` or `mute rule=ssh_invalid_user 30m`.');
  }
  if (matchers.length > MAX_MATCHERS) return fail(`At most ${MAX_MATCHERS} matchers.`);
  const durationText = args[i];
  if (durationText === undefined) return fail('Missing the duration after the matchers, e.g. `30m`, `2h` or `1d`.');
  const durationMs = parseDurationMs(durationText);
  if (durationMs === undefined) return fail(`\`${durationText}\` is not a duration: use e.g. 30m, 2h or 1d (matchers are name=value).`);
  if (durationMs < 60_000) return fail('A mute lasts at least 1m.');
  if (durationMs > MAX_MUTE_MS) return fail(`A mute lasts at most ${formatDurationMs(MAX_MUTE_MS)}.`);
  const comment = args.slice(i + 1).join(' ');
  if (comment.length > 500) return fail('The comment is longer than 500 characters.');
  return { ok: true, command: { kind: 'mute', matchers, durationMs, comment } };
}
