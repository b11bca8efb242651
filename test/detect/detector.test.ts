import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/load.js';
import { Detector } from '../../src/detect/detector.js';
import { SignalLog, T0, compileRules, received, sshd } from './received.js';

const S = 1000;
const burst = { name: 'burst', type: 'threshold', match: { message: '^boom' }, window: '60s', threshold: 3 };
const words = { name: 'words', type: 'keyword', keywords: ['boom'] };
const boom = (host: string, at: number) => received(`<13>May  1 12:00:00 ${host} app: boom`, at);

describe('Detector', () => {
  it('runs every rule on each message, in order, at the frame receive time', () => {
    const log = new SignalLog();
    const d = new Detector({ rules: compileRules([burst, words]), onSignal: log.onSignal });
    expect(d.name).toBe('detector');
    d.process(boom('h', T0 + 5));
    expect(log.signals.map((s) => [s.rule, s.at])).toEqual([['burst', T0 + 5], ['words', T0 + 5]]);
    expect(d.stats().map((s) => [s.rule, s.ruleType, s.matches])).toEqual([['burst', 'threshold', 1], ['words', 'keyword', 1]]);
  });

  it('reconfigure keeps the windows of unchanged rules, drops changed and removed ones, starts new ones', () => {
    const log = new SignalLog();
    const d = new Detector({ rules: compileRules([burst, words, { ...words, name: 'gone' }]), onSignal: log.onSignal });
    d.process(boom('h', T0));
    d.process(boom('h', T0 + S));
    // Same burst (a fresh compile of an equal definition), words changed, gone removed, fresh added.
    d.reconfigure(compileRules([burst, { ...words, keywords: ['boom', 'bang'] }, { ...burst, name: 'fresh' }]));
    log.signals.length = 0;
    d.process(boom('h', T0 + 2 * S));
    expect(log.signals.map((s) => [s.rule, s.count, s.firing])).toEqual([
      ['burst', 3, true], // kept its two earlier matches
      ['words', 1, true], // changed: a new episode
      ['fresh', 1, false],
    ]);
    expect(d.stats().map((s) => [s.rule, s.matches])).toEqual([['burst', 3], ['words', 1], ['fresh', 1]]);
  });

  it('a change of window, threshold, groupBy or match is a changed rule', () => {
    for (const changed of [{ window: '61s' }, { threshold: 4 }, { groupBy: 'sourceIp' }, { match: { message: '^boom!' } }, { maxKeys: 5 }]) {
      const log = new SignalLog();
      const d = new Detector({ rules: compileRules([burst]), onSignal: log.onSignal });
      d.process(boom('h', T0));
      d.reconfigure(compileRules([{ ...burst, ...changed }]));
      d.process(boom('h', T0 + S));
      expect(log.last?.count).toBe(1);
    }
  });

  it('purges idle keys on its own as message time passes', () => {
    const d = new Detector({ rules: compileRules([burst]), onSignal: () => {} });
    for (let i = 0; i < 50; i++) d.process(boom(`h${i}`, T0));
    expect(d.stats()[0]!.trackedKeys).toBe(50);
    d.process(received('<13>May  1 12:00:00 x app: quiet', T0 + 61 * S)); // no match, but time moved on
    expect(d.stats()[0]!.trackedKeys).toBe(0);
  });

  it('runs the shipped default rules: 4 invalid users within 60 s on one host fire, keywords fire at once', () => {
    const config = loadConfigFile(join(import.meta.dirname, '..', '..', 'config', 'default.yaml'));
    const log = new SignalLog();
    const d = new Detector({ rules: config.rules, onSignal: log.onSignal });
    for (let i = 0; i < 4; i++) d.process(sshd('gw', `Invalid user u${i} from 203.0.113.7 port ${5000 + i}`, T0 + i * 10 * S));
    expect(log.firing().map((s) => [s.rule, s.fingerprint, s.count])).toEqual([['ssh_invalid_user', 'ssh_invalid_user{host="gw"}', 4]]);
    d.process(received('<2>May  1 12:00:00 nas kernel: Kernel panic - not syncing: Fatal exception', T0));
    d.process(received('<189>May  1 12:00:00 rtr1 : %SYS-5-CONFIG_I: Configured from console by admin on vty0', T0));
    expect(log.signals.filter((s) => s.rule === 'keywords').map((s) => [s.key.host, s.fields.keyword])).toEqual([
      ['nas', 'Kernel panic'],
      ['rtr1', '%SYS-5-CONFIG_I'],
    ]);
  });
});
