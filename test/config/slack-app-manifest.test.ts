/**
 * config/slack-app-manifest.yml against the code: the scopes the notifier needs, the slash command the config
 * schema answers by default, interactivity for the buttons, Socket Mode (the default mode), and a usage hint
 * that names every subcommand the parser knows.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { NotifySchema } from '../../src/config/notify-schema.js';
import { parseSlashCommand } from '../../src/notify/slack/command-parser.js';

const manifestFile = join(import.meta.dirname, '..', '..', 'config', 'slack-app-manifest.yml');
const manifestText = readFileSync(manifestFile, 'utf8');

interface Manifest {
  _metadata?: { major_version?: number; minor_version?: number };
  display_information?: { name?: string };
  features?: {
    bot_user?: { display_name?: string };
    slash_commands?: { command?: string; description?: string; usage_hint?: string; should_escape?: boolean; url?: string }[];
  };
  oauth_config?: { scopes?: { bot?: string[] } };
  settings?: {
    interactivity?: { is_enabled?: boolean; request_url?: string };
    socket_mode_enabled?: boolean;
    event_subscriptions?: unknown;
  };
}

function loadManifest(): Manifest {
  const doc = parseDocument(manifestText, { uniqueKeys: true });
  expect(doc.errors.map((e) => e.message)).toEqual([]);
  return doc.toJS() as Manifest;
}

/** notify.slack as the schema fills it in from the smallest valid socket-mode config. */
const slackDefaults = NotifySchema.parse({ slack: { botToken: 'xoxb-test', appToken: 'xapp-test', channel: '#alerts' } }).slack!;

describe('config/slack-app-manifest.yml', () => {
  const manifest = loadManifest();

  it('is a version 1.1 manifest for a bot named syslog-sentinel', () => {
    expect(manifest._metadata).toEqual({ major_version: 1, minor_version: 1 });
    expect(manifest.display_information?.name).toBe('syslog-sentinel');
    expect(manifest.features?.bot_user?.display_name).toBe('syslog-sentinel');
  });

  it('asks for the bot scopes the notifier and the command need', () => {
    const scopes = manifest.oauth_config?.scopes?.bot ?? [];
    expect(scopes).toContain('chat:write');
    expect(scopes).toContain('commands');
  });

  it('declares exactly the slash command the config schema answers by default', () => {
    const commands = manifest.features?.slash_commands ?? [];
    expect(commands).toHaveLength(1);
    expect(commands[0]?.command).toBe(slackDefaults.command);
    expect(commands[0]?.should_escape).toBe(false);
    expect(commands[0]?.description ?? '').not.toBe('');
  });

  it('has a usage hint naming mute, unmute, mutes and status, each a subcommand the parser accepts', () => {
    const hint = manifest.features?.slash_commands?.[0]?.usage_hint ?? '';
    for (const verb of ['mute', 'unmute', 'mutes', 'status']) expect(hint).toMatch(new RegExp(`(^|\\| )${verb}\\b`));
    const verbs = hint.split('|').map((part) => part.trim().split(/\s+/)[0]!);
    for (const verb of verbs) {
      const parsed = parseSlashCommand(verb);
      if (!parsed.ok) expect(parsed.error).not.toMatch(/Unknown subcommand/);
    }
  });

  it('enables interactivity (the buttons) and Socket Mode (the default mode), without event subscriptions', () => {
    expect(slackDefaults.mode).toBe('socket');
    expect(manifest.settings?.interactivity?.is_enabled).toBe(true);
    expect(manifest.settings?.socket_mode_enabled).toBe(true);
    expect(manifest.settings?.event_subscriptions).toBeUndefined();
    // Socket Mode needs no request URLs; they are only given, commented out, for HTTP mode.
    expect(manifest.settings?.interactivity?.request_url).toBeUndefined();
    expect(manifest.features?.slash_commands?.[0]?.url).toBeUndefined();
  });

  it('explains HTTP mode with request URLs on the default receiver path', () => {
    expect(manifestText).toContain(`# HTTP mode: url: https://<your-host>${slackDefaults.path}`);
    expect(manifestText).toContain(`# HTTP mode: request_url: https://<your-host>${slackDefaults.path}`);
    expect(manifestText).toMatch(/socket_mode_enabled: true\s+# HTTP mode: false/);
  });
});
