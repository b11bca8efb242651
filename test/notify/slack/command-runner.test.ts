/**
 * `/syslog` commands against a real AlertManager (in memory, fake clock): what the person sees, and what
 * changes in the manager (mutes, refreshed messages).
 */
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { AlertManager } from '../../../src/alert/manager.js';
import type { Signal } from '../../../src/detect/types.js';
import type { Actor } from '../../../src/notify/slack/authorization.js';
import { commandUsage } from '../../../src/notify/slack/command-parser.js';
import { runSlashCommand, type CommandContext } from '../../../src/notify/slack/command-runner.js';
import { slackDate } from '../../../src/notify/slack/incident-message.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { RecordingNotifier } from '../../helpers/recording-notifier.js';
import { thresholdSignal } from '../../helpers/signals.js';
import { testAlerting } from '../../helpers/alerting.js';

const MIN = 60_000;
const H = 60 * MIN;
const ALERTING = testAlerting({ maxMutes: 40, muteRetentionMs: H });
const ACTOR: Actor = { userId: 'U0HUMAN', userName: 'alice', channelId: 'C0ALERTS' };
const USAGE = commandUsage('/syslog');

function setup(options: { ids?: string[]; rate?: number | null; received?: number } = {}) {
  const clock = new FakeClock();
  const lines: { level: number; msg: string; [k: string]: unknown }[] = [];
  const log = pino({ level: 'info' }, { write: (s: string) => void lines.push(JSON.parse(s) as { level: number; msg: string }) });
  /** Mute ids, handed out in order; incidents get inc-N. */
  const ids = [...(options.ids ?? [])];
  let n = 0;
  let incidents = 0;
  let opening = false;
  const manager = new AlertManager({
    alerting: ALERTING,
    stateDir: null,
    notifiers: [new RecordingNotifier()],
    log: pino({ level: 'silent' }),
    keyFields: () => ['host', 'ip'],
    now: clock.now,
    newId: () => (opening ? `inc-${++incidents}` : (ids.shift() ?? `id-${String(++n).padStart(4, '0')}-generated`)),
  });
  const refreshed: string[] = [];
  const ctx: CommandContext = {
    control: manager,
    messages: { refresh: (id) => void refreshed.push(id) },
    status: { receivedTotal: () => options.received ?? 1234, messagesPerSecond: () => (options.rate === undefined ? 12.345 : options.rate), ruleNames: () => ['ssh_invalid_user', 'keywords'] },
    log,
    now: clock.now,
    command: '/syslog',
  };
  /** Opens (or feeds) the incident of `rule` for `host`, at the clock's time. */
  const fire = (host: string, rule = 'ssh_invalid_user', extra: Partial<Signal> = {}): string => {
    opening = true;
    manager.handle(thresholdSignal(clock.t, { host }, { rule, sample: `sshd: Invalid user admin on ${host}`, ...extra }));
    opening = false;
    return manager.openIncidents().find((i) => i.fingerprint === `${rule}|${host}`)!.id;
  };
  const run = (text: string, actor: Actor = ACTOR) => runSlashCommand(text, actor, ctx);
  return { clock, manager, refreshed, run, fire, lines };
}

describe('runSlashCommand', () => {
  it('help, and an empty command, show the usage', () => {
    const { run } = setup();
    expect(run('help')).toBe(USAGE);
    expect(run('')).toBe(USAGE);
  });

  it('a parse error comes back with the usage, and changes nothing', () => {
    const { run, manager } = setup();
    expect(run('frobnicate')).toBe(`Unknown subcommand \`frobnicate\`. Try \`help\`.\n\n${USAGE}`);
    expect(run('mute host=web01 soon')).toBe(`\`soon\` is not a duration: use e.g. 30m, 2h or 1d (matchers are name=value).\n\n${USAGE}`);
    expect(run('mute 2h')).toMatch(/^Say what to mute/);
    expect(run('mute host=web01 10s')).toMatch(/^A mute lasts at least 1m\./);
    expect(run('mute host=web01 40d')).toMatch(/^A mute lasts at most 30d\./);
    expect(run(`mute host=web01 1h ${'x'.repeat(501)}`)).toMatch(/^The comment is longer than 500 characters\./);
    expect(manager.mutes()).toEqual([]);
  });

  describe('mute', () => {
    it('creates the mute in the alert manager, refreshes the incidents it silences, and says how to end it', () => {
      const { run, manager, refreshed, fire, clock, lines } = setup({ ids: ['3f2a9c1e-aaaa-4000-8000-000000000001'] });
      const web01 = fire('web01');
      fire('web02');
      const reply = run('mute host=web01 2h deploy in progress');
      const [view] = manager.mutes();
      expect(view?.state).toBe('active');
      expect(view?.mute).toMatchObject({
        id: '3f2a9c1e-aaaa-4000-8000-000000000001',
        matchers: [{ name: 'host', value: 'web01', isRegex: false }],
        startsAt: clock.t,
        endsAt: clock.t + 2 * H,
        createdBy: 'slack:U0HUMAN',
        comment: 'deploy in progress',
      });
      expect(reply).toBe(
        `Muted \`host=web01\` for 2h, until ${slackDate(clock.t + 2 * H)} (id \`3f2a9c1e-aaaa-4000-8000-000000000001\`). ` +
          '1 open incident affected. End it with `/syslog unmute 3f2a9c1e`.',
      );
      expect(refreshed).toEqual([web01]);
      expect(manager.muteFor(manager.incident(web01)!)?.id).toBe(view?.mute.id);
      expect(lines.find((l) => l.msg === 'mute created from Slack')).toMatchObject({ mute: view?.mute.id, by: 'slack:U0HUMAN', userName: 'alice', endsAt: clock.t + 2 * H });
    });

    it('a regex matcher silences every incident it matches', () => {
      const { run, refreshed, fire } = setup();
      const a = fire('web01');
      const b = fire('web02');
      fire('db01');
      expect(run('mute host=~web0[0-9] rule=ssh_invalid_user 30m')).toMatch(/^Muted `host=~web0\[0-9\]` `rule=ssh_invalid_user` for 30m, until .* 2 open incidents affected\./);
      expect(refreshed.sort()).toEqual([a, b].sort());
    });

    it('no open incident affected: says so and refreshes nothing', () => {
      const { run, refreshed } = setup();
      expect(run('mute host=nowhere 1h')).toContain('0 open incidents affected.');
      expect(refreshed).toEqual([]);
    });

    it('an unknown key is refused by the alert manager’s validation, with the usage', () => {
      const { run, manager } = setup();
      expect(run('mute user=root 1h')).toBe(`Not muted: matchers[0].name: unknown field "user" (use "rule" or a group-by field of a rule)\n\n${USAGE}`);
      expect(manager.mutes()).toEqual([]);
    });

    it('every problem is listed, escaped', () => {
      const { run } = setup();
      const reply = run('mute <!channel>=x 1h');
      expect(reply).toMatch(/^Say what to mute/); // not a matcher name at all
      const two = run('mute user=a team=b 1h');
      expect(two).toMatch(/^Not muted: matchers\[0\]\.name: unknown field "user" .*; matchers\[1\]\.name: unknown field "team"/);
    });

    it('an invalid or unsafe regular expression is refused', () => {
      const { run, manager } = setup();
      expect(run('mute host=~web( 1h')).toMatch(/^Not muted: matchers\[0\]\.value: invalid regular expression/);
      expect(run('mute host=~(a+)+ 1h')).toMatch(/^Not muted: matchers\[0\]\.value: unsafe pattern/);
      expect(manager.mutes()).toEqual([]);
    });

    it('echoed matcher values are escaped', () => {
      const { run, manager } = setup();
      const reply = run('mute host=<!channel>&<@U1> 1h');
      expect(reply).toContain('`host=&lt;!channel&gt;&amp;&lt;@U1&gt;`');
      expect(reply).not.toContain('<!channel>');
      // as Slack delivers it (escaped): stored as typed, echoed escaped once
      const escaped = run('mute host=&lt;!here&gt;&amp;x 1h');
      expect(manager.mutes()[1]!.mute.matchers[0]!.value).toBe('<!here>&x');
      expect(escaped).toContain('`host=&lt;!here&gt;&amp;x`');
    });

    it('too many mutes is refused by the store', () => {
      const { run } = setup();
      for (let i = 0; i < ALERTING.maxMutes; i++) expect(run(`mute host=h${i} 1h`)).toMatch(/^Muted/);
      expect(run('mute host=one-more 1h')).toMatch(/^Not muted: too many mutes: 40 are pending or active/);
    });
  });

  it('a rule= matcher must name a configured rule (a regex is taken as it is)', () => {
    const { run, manager } = setup({});
    expect(run('mute rule=sshd-invalid-user 1h')).toBe('Not muted: there is no rule named `sshd-invalid-user` (rules: `ssh_invalid_user`, `keywords`).');
    expect(manager.mutes()).toHaveLength(0);
    expect(run('mute rule=~ssh.* 1h')).toMatch(/^Muted `rule=~ssh\.\*` for 1h/);
  });

  describe('unmute', () => {
    const ids = ['abcdef01-0000-4000-8000-000000000001', 'abcdef02-0000-4000-8000-000000000002', 'fedcba09-0000-4000-8000-000000000003'];

    it('by full id: ends the mute now and refreshes the incidents it silenced', () => {
      const { run, manager, refreshed, fire, clock, lines } = setup({ ids });
      const web01 = fire('web01');
      run('mute host=web01 1h');
      refreshed.length = 0;
      clock.advance(10 * MIN);
      expect(run(`unmute ${ids[0]}`)).toBe(`Ended mute \`${ids[0]}\` (\`host=web01\`).`);
      expect(manager.mutes()[0]).toMatchObject({ state: 'expired', mute: { endsAt: clock.t } });
      expect(refreshed).toEqual([web01]);
      expect(manager.muteFor(manager.incident(web01)!)).toBeUndefined();
      expect(lines.find((l) => l.msg === 'mute ended from Slack')).toMatchObject({ mute: ids[0], by: 'slack:U0HUMAN' });
    });

    it('by a unique prefix of 6+ characters', () => {
      const { run, manager } = setup({ ids });
      run('mute host=a 1h');
      run('mute host=b 1h');
      run('mute host=c 1h');
      expect(run('unmute fedcba')).toBe(`Ended mute \`${ids[2]}\` (\`host=c\`).`);
      expect(run('unmute abcdef02')).toBe(`Ended mute \`${ids[1]}\` (\`host=b\`).`);
      expect(manager.mutes().map((v) => v.state)).toEqual(['active', 'expired', 'expired']);
    });

    it('an ambiguous prefix changes nothing and asks for more of the id', () => {
      const { run, manager } = setup({ ids });
      run('mute host=a 1h');
      run('mute host=b 1h');
      expect(run('unmute abcdef')).toBe('`abcdef` matches 2 mutes; give more of the id.');
      expect(manager.mutes().every((v) => v.state === 'active')).toBe(true);
    });

    it('a prefix shared with an ended mute names the one live mute', () => {
      const { run, manager } = setup({ ids });
      run('mute host=a 1h');
      run('mute host=b 1h');
      run(`unmute ${ids[0]}`);
      expect(run('unmute abcdef')).toBe(`Ended mute \`${ids[1]}\` (\`host=b\`).`);
      expect(manager.mutes().map((v) => v.state)).toEqual(['expired', 'expired']);
    });

    it('an unknown id', () => {
      const { run } = setup({ ids });
      run('mute host=a 1h');
      expect(run('unmute 999999')).toBe('No mute with id `999999`. `/syslog mutes` lists them.');
    });

    it('a mute that has already ended (expired on time, or ended before)', () => {
      const { run, clock, refreshed } = setup({ ids });
      run('mute host=a 1h');
      run('mute host=b 1h');
      clock.advance(30 * MIN);
      run(`unmute ${ids[1]}`);
      expect(run(`unmute ${ids[1]}`)).toBe(`Mute \`${ids[1]}\` has already ended.`);
      clock.advance(H);
      refreshed.length = 0;
      expect(run('unmute abcdef01')).toBe(`Mute \`${ids[0]}\` has already ended.`);
      expect(refreshed).toEqual([]);
    });

    it('bad ids are refused by the parser', () => {
      const { run } = setup();
      expect(run('unmute abc')).toMatch(/^A mute id is at least 6 letters/);
      expect(run('unmute')).toMatch(/^Usage: `unmute <id>`/);
    });
  });

  describe('mutes', () => {
    const ids = ['abcdef01-0000-4000-8000-000000000001', 'abcdef02-0000-4000-8000-000000000002', 'fedcba09-0000-4000-8000-000000000003', 'gone0000-0000-4000-8000-000000000004'];

    it('no mutes', () => {
      expect(setup().run('mutes')).toBe('No active mutes.');
    });

    it('lists active and pending mutes, soonest end first, with what is left and who made them; expired ones are left out', () => {
      const { run, manager, clock } = setup({ ids });
      run('mute host=web01 2h deploy <!here>');
      manager.mute({ matchers: [{ name: 'rule', value: 'ssh_invalid_user', isRegex: false }], startsAt: clock.t + H, endsAt: clock.t + 3 * H, createdBy: 'cli' });
      run('mute host=~db.* 30m');
      run('mute host=gone 1h');
      run(`unmute ${ids[3]}`);
      expect(run('mutes')).toBe(
        [
          '*3 mutes*',
          `• \`fedcba09\` \`host=~db.*\` until ${slackDate(clock.t + 30 * MIN)} (30m left) by <@U0HUMAN>`,
          `• \`abcdef01\` \`host=web01\` until ${slackDate(clock.t + 2 * H)} (2h left) by <@U0HUMAN> “deploy &lt;!here&gt;”`,
          `• \`abcdef02\` \`rule=ssh_invalid_user\` from ${slackDate(clock.t + H)} until ${slackDate(clock.t + 3 * H)} (3h left) by cli`,
        ].join('\n'),
      );
    });

    it('one mute is singular; more than 15 are cut with a count', () => {
      const one = setup();
      one.run('mute host=a 1h');
      expect(one.run('mutes')).toMatch(/^\*1 mute\*\n• /);
      const many = setup();
      for (let i = 0; i < 18; i++) many.run(`mute host=h${i} ${i + 1}h`);
      const lines = many.run('mutes').split('\n');
      expect(lines[0]).toBe('*18 mutes*');
      expect(lines).toHaveLength(1 + 15 + 1);
      expect(lines.at(-1)).toBe('… and 3 more');
      expect(lines[1]).toContain('`host=h0`');
    });
  });

  describe('status', () => {
    it('message figures, open incidents with their state (newest first), and active mutes', () => {
      const { run, fire, clock, manager } = setup({ received: 98765, rate: 12.345 });
      const a = fire('web01');
      clock.advance(MIN);
      fire('db01', 'disk_errors');
      clock.advance(MIN);
      const c = fire('web02');
      manager.acknowledge(c, 'slack:U0HUMAN');
      run('mute host=web01 1h');
      expect(run('status')).toBe(
        [
          '*Messages*: 98765 received since start, 12.3/s over the last minute',
          '*Open incidents*: 3 · *Active mutes*: 1',
          `• acknowledged: ssh_invalid_user host=web02: 5 matches, last ${slackDate(clock.t)}`,
          `• firing: disk_errors host=db01: 5 matches, last ${slackDate(clock.t - MIN)}`,
          `• muted: ssh_invalid_user host=web01: 5 matches, last ${slackDate(clock.t - 2 * MIN)}`,
        ].join('\n'),
      );
      expect(manager.incident(a)).toBeDefined();
    });

    it('before a minute of history, and with nothing open', () => {
      const { run } = setup({ received: 0, rate: null });
      expect(run('status')).toBe('*Messages*: 0 received since start, rate available after a minute\n*Open incidents*: 0 · *Active mutes*: 0');
    });

    it('escapes hostile key values and cuts the list at 15', () => {
      const { run, fire } = setup();
      fire('<!channel>&');
      for (let i = 0; i < 16; i++) fire(`h${i}`);
      const text = run('status');
      expect(text).toContain('host=&lt;!channel&gt;&amp;');
      expect(text).not.toContain('<!channel>');
      const lines = text.split('\n');
      expect(lines).toHaveLength(2 + 15 + 1);
      expect(lines.at(-1)).toBe('… and 2 more');
    });

    it('pending mutes are not counted as active', () => {
      const { run, manager, clock } = setup();
      manager.mute({ matchers: [{ name: 'host', value: 'a', isRegex: false }], startsAt: clock.t + H, endsAt: clock.t + 2 * H, createdBy: 'cli' });
      expect(run('status')).toContain('*Active mutes*: 0');
    });
  });
});
