import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { CompiledBaselineRule } from '../../../src/config/rules-schema.js';
import { BaselineRule } from '../../../src/detect/rules/baseline.js';
import { BASELINES_FILE, BaselineStore, BaselinesDocumentSchema } from '../../../src/detect/rules/baseline-store.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { T0, compileRule, received } from '../received.js';

const I = 60_000;
const silent = pino({ level: 'silent' });
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'baseline-store-'));
  dirs.push(d);
  return d;
}

const baseline = (extra: Record<string, unknown> = {}) =>
  new BaselineRule(compileRule({ name: 'errors', type: 'baseline', match: { severity: 'err' }, warmup: 2, ...extra }) as CompiledBaselineRule, () => {});

function setup(dir: string, rules: readonly BaselineRule[]) {
  const clock = new FakeClock(T0);
  const counts = { writeErrors: 0, corrupt: 0 };
  const store = new BaselineStore({ stateDir: dir, rules: () => rules, log: silent, now: clock.now, onWriteError: () => counts.writeErrors++, onCorrupt: () => counts.corrupt++ });
  return { clock, counts, store };
}

/** `n` err lines from each host, spread over interval i from T0. */
function feed(rule: BaselineRule, hosts: readonly string[], i: number, n = 5): void {
  for (let j = 0; j < n; j++) {
    for (const h of hosts) {
      const at = T0 + i * I + j * 1000;
      rule.process(received(`<11>May  1 12:00:00 ${h} app: error`, at), at);
    }
  }
}

describe('BaselineStore', () => {
  it('writes baselines.json at stop: the rule, its definition and every key, at most maxKeys of them', async () => {
    const dir = tempDir();
    const rule = baseline({ maxKeys: 3 });
    const { clock, counts, store } = setup(dir, [rule]);
    await store.start();
    for (let i = 0; i < 3; i++) feed(rule, ['a', 'b', 'c'], i);
    feed(rule, ['d', 'e'], 2); // evict a and b
    clock.set(T0 + 3 * I + 10);
    await store.stop();
    const file = join(dir, BASELINES_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const doc = BaselinesDocumentSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
    expect(doc).toMatchObject({ version: 1, savedAt: T0 + 3 * I + 10 });
    expect(doc.rules).toHaveLength(1);
    expect(doc.rules[0]).toMatchObject({ name: 'errors', definition: rule.rule.canonical });
    expect(doc.rules[0]!.keys.map((k) => k.key)).toEqual([{ host: 'c' }, { host: 'd' }, { host: 'e' }]);
    expect(doc.rules[0]!.keys[0]).toMatchObject({ mean: 5, variance: 0, intervals: 3, intervalStart: T0 + 3 * I, count: 0 });
    expect(doc.rules[0]!.keys[2]).toMatchObject({ mean: 5, intervals: 1, intervalStart: T0 + 3 * I, lastAt: T0 + 2 * I + 4000 });
    expect(rule.stats().evictions).toBe(2);
    expect(counts).toEqual({ writeErrors: 0, corrupt: 0 });
  });

  it('moves a corrupt file aside, counts it, starts without it and writes a good one at stop', async () => {
    for (const content of ['{"version":1,', JSON.stringify({ version: 1, savedAt: T0, rules: [{ name: 'errors', definition: 'x', keys: [{ key: {}, mean: -1 }] }] })]) {
      const dir = tempDir();
      writeFileSync(join(dir, BASELINES_FILE), content);
      const rule = baseline();
      const { counts, store } = setup(dir, [rule]);
      await store.start();
      expect(counts.corrupt).toBe(1);
      expect(readdirSync(dir).filter((n) => n.startsWith(`${BASELINES_FILE}.corrupt-`))).toHaveLength(1);
      expect(rule.stats().trackedKeys).toBe(0);
      await store.stop();
      expect(BaselinesDocumentSchema.safeParse(JSON.parse(readFileSync(join(dir, BASELINES_FILE), 'utf8'))).success).toBe(true);
    }
  });

  it('without baseline rules it neither reads nor writes the file', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, BASELINES_FILE), 'not json');
    const { counts, store } = setup(dir, []);
    await store.start();
    await store.stop();
    expect(counts).toEqual({ writeErrors: 0, corrupt: 0 });
    expect(readdirSync(dir)).toEqual([BASELINES_FILE]);
    expect(readFileSync(join(dir, BASELINES_FILE), 'utf8')).toBe('not json');
  });

  it('restores only the rules saved under the same name and definition, and skips keys that do not fit groupBy', async () => {
    const dir = tempDir();
    const first = baseline();
    const s1 = setup(dir, [first]);
    await s1.store.start();
    for (let i = 0; i < 3; i++) feed(first, ['a', 'b'], i);
    s1.clock.set(T0 + 3 * I);
    await s1.store.stop();
    const file = join(dir, BASELINES_FILE);
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { rules: { keys: { key: Record<string, string> }[] }[] };
    doc.rules[0]!.keys[0]!.key = { ip: '192.0.2.1' };
    writeFileSync(file, JSON.stringify(doc));

    const same = baseline();
    const s2 = setup(dir, [same]);
    s2.clock.set(T0 + 3 * I + 5);
    await s2.store.start();
    expect(same.save(s2.clock.t).map((k) => [k.key, k.intervals])).toEqual([[{ host: 'b' }, 3]]);
    expect(s2.counts.corrupt).toBe(0);
    expect(existsSync(file)).toBe(true);
  });
});
