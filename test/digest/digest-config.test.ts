import { getTasks } from 'node-cron';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { loadConfigText } from '../../src/config/load.js';
import { cronDigestScheduler, cronTimezoneFor } from '../../src/digest/digest-scheduler.js';
import { configProblems } from '../helpers/config-problems.js';

const BASE = 'listeners: [{ protocol: udp, port: 1 }]\n';

const problemsOf = (text: string) => configProblems(() => loadConfigText(text));

describe('digest config', () => {
  it('is off when absent', () => {
    expect(loadConfigText(BASE).digest).toBeNull();
  });

  it('fills the defaults: 08:00 daily, top 10, 10 000 hosts, the top-level time zone', () => {
    expect(loadConfigText(`${BASE}digest: {}\n`).digest).toEqual({ schedule: '0 8 * * *', timezone: 'UTC', top: 10, maxHosts: 10_000 });
    expect(loadConfigText(`${BASE}timezone: Europe/Berlin\ndigest: {}\n`).digest?.timezone).toBe('Europe/Berlin');
    expect(loadConfigText(`${BASE}timezone: Europe/Berlin\ndigest: { timezone: America/New_York, schedule: "30 7 * * 1-5", top: 5 }\n`).digest).toEqual({
      schedule: '30 7 * * 1-5',
      timezone: 'America/New_York',
      top: 5,
      maxHosts: 10_000,
    });
  });

  it('rejects a schedule node-cron cannot run, a zone it cannot use, and out-of-range numbers', () => {
    expect(problemsOf(`${BASE}digest: { schedule: "every morning" }\n`)).toEqual(['digest.schedule: must be a cron expression, e.g. "0 8 * * *"']);
    expect(problemsOf(`${BASE}digest: { schedule: "61 8 * * *" }\n`)).toEqual(['digest.schedule: must be a cron expression, e.g. "0 8 * * *"']);
    expect(problemsOf(`${BASE}digest: { timezone: Mars/Olympus }\n`)).toEqual(['digest.timezone: must be UTC or an IANA zone such as Europe/Berlin']);
    expect(problemsOf(`${BASE}digest: { top: 0, maxHosts: 0, extra: 1 }\n`)).toHaveLength(3);
  });

  it('maps a whole-hour top-level offset to its Etc/GMT zone and asks for a zone otherwise', () => {
    expect(cronTimezoneFor('+02:00')).toBe('Etc/GMT-2');
    expect(cronTimezoneFor('-0500')).toBe('Etc/GMT+5');
    expect(cronTimezoneFor('+00:00')).toBe('UTC');
    expect(cronTimezoneFor('UTC')).toBe('UTC');
    expect(cronTimezoneFor('+05:30')).toBeNull();
    expect(loadConfigText(`${BASE}timezone: "+02:00"\ndigest: {}\n`).digest?.timezone).toBe('Etc/GMT-2');
    expect(problemsOf(`${BASE}timezone: "+05:30"\ndigest: {}\n`)).toEqual([
      'digest.timezone: the top-level timezone "+05:30" cannot be used for the schedule; set digest.timezone to an IANA zone such as Asia/Kolkata',
    ]);
    expect(loadConfigText(`${BASE}timezone: "+05:30"\ndigest: { timezone: Asia/Kolkata }\n`).digest?.timezone).toBe('Asia/Kolkata');
  });
});

describe('cronDigestScheduler', () => {
  it('creates a node-cron task on the schedule in the zone, next run at 08:00 there; stop() removes it', () => {
    const before = getTasks().size;
    const job = cronDigestScheduler(pino({ level: 'silent' }))('0 8 * * *', 'America/New_York', () => {});
    const task = [...getTasks().values()].find((t) => t.name === 'digest');
    expect(task?.getPattern()).toBe('0 8 * * *');
    const next = task!.getNextRun()!;
    const local = new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', hour: 'numeric', minute: 'numeric', hourCycle: 'h23' }).format(next);
    expect(local).toBe('08:00');
    job.stop();
    expect(getTasks().size).toBe(before);
  });
});
