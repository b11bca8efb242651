/**
 * kill -9, then a restart over the same state directory. Before the kill: three incidents (sshd bursts), an
 * Acknowledge click and a `/syslog mute` command (signed requests to the HTTP-mode Slack receiver, the real
 * paths), both persisted; then a stream of lines keeps the incident store changing (so state writes are under
 * way) when SIGKILL lands. After it: the files on disk parse (atomic writes: old or new, never partial), and the
 * restarted appliance has exactly what they hold: the same open incidents (the next line updates an incident
 * instead of firing it anew, its count continuing), the acknowledgement (updates withheld as acknowledged,
 * `/syslog status`) and the mute (withheld as muted, `/syslog mutes`), with no corrupt file counted.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ACTION_ACK } from '../notify/slack/action-ids.js';
import { makeTempDir, removeDir, startAppliance, type Appliance } from './appliance.js';
import { applianceYaml, LOAD_SIGNING_SECRET, slackHttpNotify } from './appliance-config.js';
import { startFakeSlack } from './fake-slack.js';
import type { Scenario } from './scenario.js';
import { buttonValue, clickButton, slashCommand, type SlackActor } from './slack-requests.js';
import { sendLines, syslogLine } from './tcp-client.js';
import type { Figure } from './verdict.js';
import { sleep, waitUntil } from './wait-until.js';

const LISTENER = 'load-tcp';
/** How long lines keep coming before the kill: long enough for two debounced state writes (at most one a second). */
const CHURN_MS = 2000;
const RULE = 'ssh_invalid_user';
const ACTOR: SlackActor = { userId: 'U0LOADER', channelId: 'C0LOAD1' };
const [ACKED, MUTED, OPEN] = ['k9-acked', 'k9-muted', 'k9-open'] as const;

interface StateIncident {
  id: string;
  key: Record<string, string>;
  state: string;
  count: number;
  ackedBy: string | null;
}

function readState(dir: string): { incidents: StateIncident[]; mutes: { id: string }[]; savedAt: number } {
  const incidents = JSON.parse(readFileSync(path.join(dir, 'state', 'incidents.json'), 'utf8')) as { incidents: StateIncident[]; savedAt: number };
  const mutesFile = path.join(dir, 'state', 'mutes.json');
  const mutes = existsSync(mutesFile) ? (JSON.parse(readFileSync(mutesFile, 'utf8')) as { mutes: { id: string }[] }).mutes : [];
  return { incidents: incidents.incidents, mutes, savedAt: incidents.savedAt };
}

function tryReadState(dir: string): ReturnType<typeof readState> | null {
  try {
    return readState(dir);
  } catch {
    return null;
  }
}

const attempts = (host: string, n = 4): string[] => Array.from({ length: n }, (_, i) => syslogLine(host, 'sshd', `Invalid user u${i} from 192.0.2.9 port ${40000 + i}`));
const byHost = (incidents: readonly StateIncident[], host: string): StateIncident | undefined => incidents.find((i) => i.key.host === host && i.state === 'open');
const eventsFor = (app: Appliance, host: string): Record<string, unknown>[] => app.events.filter((e) => (e.key as Record<string, string> | undefined)?.host === host);

export const kill9Scenario: Scenario = {
  name: 'kill9',
  async run(ctx) {
    const { checks } = ctx;
    const figures: Record<string, Figure> = {};
    const dir = makeTempDir('kill9');
    ctx.defer(() => removeDir(dir));
    const fake = await startFakeSlack();
    ctx.defer(() => fake.close());
    const yaml = applianceYaml({
      listeners: [`{ name: ${LISTENER}, protocol: tcp, address: 127.0.0.1, port: 0 }`],
      rules: [`{ name: ${RULE}, preset: sshd-invalid-user, resolveAfter: 1h }`],
      notify: slackHttpNotify(fake.url, '1s'),
      extra: ['alerting: { updateInterval: 500ms }'],
    });
    const wait = (check: () => boolean | Promise<boolean>, what: string, ms = 15_000): Promise<void> => waitUntil(check, what, ms, { signal: ctx.signal, intervalMs: 50 });

    const first = await startAppliance(yaml, { dir });
    ctx.defer(() => first.stop('SIGKILL'));
    const port = first.port(LISTENER);
    const slackUrl = (app: Appliance): string => `http://127.0.0.1:${app.slackPort}/slack/events`;
    for (const host of [ACKED, MUTED, OPEN]) await sendLines(port, attempts(host));
    const postAbout = (host: string) => fake.delivered('chat.postMessage').find((c) => String(c.args.text).includes(`host=${host}`));
    await wait(() => [ACKED, MUTED, OPEN].every((h) => postAbout(h) !== undefined), 'the three incidents posted to Slack');

    // The acknowledgement and the mute, through the Slack receiver.
    const ackPost = postAbout(ACKED)!;
    const ackedId = buttonValue(ackPost.args.blocks, ACTION_ACK);
    if (ackedId === undefined) throw new Error('the posted message has no Acknowledge button');
    await clickButton(slackUrl(first), LOAD_SIGNING_SECRET, ACTOR, ACTION_ACK, ackedId, String(ackPost.reply?.ts));
    const muteReply = await slashCommand(slackUrl(first), LOAD_SIGNING_SECRET, ACTOR, `mute host=${MUTED} 1h kill -9 load test`);
    const muteId = /\(id `([^`]+)`\)/.exec(muteReply)?.[1];
    if (muteId === undefined) throw new Error(`/syslog mute did not create a mute: ${muteReply}`);
    await wait(() => {
      const s = tryReadState(dir);
      return s !== null && s.mutes.some((m) => m.id === muteId) && byHost(s.incidents, ACKED)?.ackedBy === `slack:${ACTOR.userId}`;
    }, 'the acknowledgement and the mute in the state files');

    // Keep the store changing, and kill -9 in the middle of it.
    const savedAts = new Set<number>();
    let churnHosts = 0;
    let tick = 0;
    const churn = setInterval(() => {
      tick++;
      const lines = tick % 8 === 0 && churnHosts < 6 ? attempts(`k9-churn-${++churnHosts}`) : [syslogLine(OPEN, 'sshd', `Invalid user churn${tick} from 192.0.2.9 port 1`)];
      sendLines(port, lines).catch(() => undefined);
      const s = tryReadState(dir);
      if (s !== null) savedAts.add(s.savedAt);
    }, 50);
    ctx.defer(() => clearInterval(churn));
    await sleep(CHURN_MS, ctx.signal);
    const exit = await first.stop('SIGKILL');
    clearInterval(churn);
    figures.killedBy = exit.signal;
    figures.stateWritesSeenDuringChurn = savedAts.size;
    checks.that(exit.signal === 'SIGKILL', `the appliance was killed by ${exit.signal ?? `exit code ${exit.code}`}`);
    checks.that(savedAts.size >= 2, `${savedAts.size} state writes seen while lines kept coming (want ≥ 2: writes under way at the kill)`);

    // What the last atomic write left.
    const leftovers = readdirSync(path.join(dir, 'state')).filter((f) => f.includes('.tmp-'));
    figures.tmpFilesAfterKill = leftovers.length;
    const onDisk = tryReadState(dir);
    checks.that(onDisk !== null, 'incidents.json and mutes.json parse after kill -9');
    if (onDisk === null) return { figures, summary: 'state files unreadable after kill -9' };
    const openOnDisk = onDisk.incidents.filter((i) => i.state === 'open');
    const openBefore = byHost(onDisk.incidents, OPEN);
    figures.openIncidentsOnDisk = openOnDisk.length;
    figures.mutesOnDisk = onDisk.mutes.length;
    checks.that(byHost(onDisk.incidents, ACKED)?.ackedBy === `slack:${ACTOR.userId}` && onDisk.mutes.some((m) => m.id === muteId) && openBefore !== undefined, 'the ack, the mute and the open incident are on disk');

    // Restart over the same directory.
    const second = await startAppliance(yaml, { dir });
    ctx.defer(() => second.stop());
    const loaded = second.logged('state loaded')[0];
    figures.loadedIncidents = Number(loaded?.incidents ?? -1);
    figures.loadedMutes = Number(loaded?.mutes ?? -1);
    checks.that(figures.loadedIncidents === onDisk.incidents.length && figures.loadedMutes === onDisk.mutes.length, `restored ${figures.loadedIncidents} incidents and ${figures.loadedMutes} mutes; the files hold ${onDisk.incidents.length} and ${onDisk.mutes.length}`);
    let m = await second.metrics();
    figures.corruptFiles = m.count('syslog_state_corrupt_files_total');
    figures.openAfterRestart = m.count('syslog_incidents_open');
    figures.activeMutesAfterRestart = m.count('syslog_mutes_active');
    checks.that(figures.corruptFiles === 0, `syslog_state_corrupt_files_total ${figures.corruptFiles}`);
    checks.that(figures.openAfterRestart === openOnDisk.length, `syslog_incidents_open ${figures.openAfterRestart}, open on disk ${openOnDisk.length}`);
    checks.that(figures.activeMutesAfterRestart === 1, `syslog_mutes_active ${figures.activeMutesAfterRestart} (want 1)`);
    const tmpAfterRestart = readdirSync(path.join(dir, 'state')).filter((f) => f.includes('.tmp-') && leftovers.includes(f)).length;
    checks.that(tmpAfterRestart === 0, `${leftovers.length} temporary files left by the kill, ${tmpAfterRestart} still there after the restart`);

    const status = await slashCommand(slackUrl(second), LOAD_SIGNING_SECRET, ACTOR, 'status');
    const mutes = await slashCommand(slackUrl(second), LOAD_SIGNING_SECRET, ACTOR, 'mutes');
    const statusShows = (state: string, host: string): boolean => status.includes(`${state}: ${RULE} host=${host}:`);
    checks.that(statusShows('acknowledged', ACKED) && statusShows('muted', MUTED) && statusShows('firing', OPEN), `/syslog status after the restart shows ${ACKED} acknowledged, ${MUTED} muted, ${OPEN} firing`);
    checks.that(mutes.includes(muteId.slice(0, 8)), '/syslog mutes after the restart lists the mute');

    // New lines: the open incident is updated (same id, count continues); the acked and muted ones withhold their updates.
    for (const host of [ACKED, MUTED, OPEN]) await sendLines(second.port(LISTENER), attempts(host, 2));
    // An update already due at the kill may go out first (with the count on disk); wait for the one with the new lines.
    const want = (openBefore?.count ?? 0) + 2;
    const updates = (): Record<string, unknown>[] => eventsFor(second, OPEN).filter((e) => e.event === 'updated');
    const update = (): Record<string, unknown> | undefined => updates().find((e) => e.count === want) ?? updates().at(-1);
    await wait(async () => {
      const w = await second.metrics();
      return update()?.count === want && w.count('syslog_incident_updates_withheld_total', { reason: 'acknowledged' }) > 0 && w.count('syslog_incident_updates_withheld_total', { reason: 'muted' }) > 0;
    }, 'the update of the open incident and the withheld updates').catch((err: Error) => checks.fail(err.message));
    m = await second.metrics();
    figures.withheldAcknowledged = m.count('syslog_incident_updates_withheld_total', { reason: 'acknowledged' });
    figures.withheldMuted = m.count('syslog_incident_updates_withheld_total', { reason: 'muted' });
    figures.openCountOnDisk = openBefore?.count ?? null;
    figures.openCountAfterRestart = Number(update()?.count ?? -1);
    checks.that(updates().length > 0 && updates().every((e) => e.incident === openBefore?.id), `the lines after the restart updated incident ${String(update()?.incident)}, on disk ${openBefore?.id}`);
    checks.that(figures.openCountAfterRestart === want, `its count went from ${openBefore?.count} on disk to ${figures.openCountAfterRestart} with 2 more lines`);
    const refired = [ACKED, MUTED, OPEN].filter((h) => eventsFor(second, h).some((e) => e.event === 'fired' || e.event === 'suppressed'));
    checks.that(refired.length === 0, `no incident fired anew after the restart${refired.length > 0 ? ` (${refired.join(', ')} did)` : ''}`);
    checks.that(figures.withheldAcknowledged > 0 && figures.withheldMuted > 0, `updates withheld after the restart: acknowledged ${figures.withheldAcknowledged}, muted ${figures.withheldMuted}`);

    const summary =
      `kill -9 with ${savedAts.size} state writes seen in the last ${CHURN_MS / 1000} s; on disk ${openOnDisk.length} open incidents, ${onDisk.mutes.length} mute, ${leftovers.length} temp files; ` +
      `restart restored ${figures.loadedIncidents} incidents and ${figures.loadedMutes} mute (corrupt files ${figures.corruptFiles}), ` +
      `incidents open ${figures.openAfterRestart}, mutes active ${figures.activeMutesAfterRestart}; status shows the ack and the mute; ` +
      `next line updated the same incident (count ${figures.openCountOnDisk} → ${figures.openCountAfterRestart}); withheld acknowledged ${figures.withheldAcknowledged}, muted ${figures.withheldMuted}`;
    return { figures, summary };
  },
};
