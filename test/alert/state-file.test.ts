import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { StateFile, StateFileError } from '../../src/alert/state-file.js';
import { FakeClock } from '../helpers/fake-clock.js';

const Doc = z.object({ version: z.literal(1), items: z.array(z.string()) });

function logCapture() {
  const lines: Record<string, unknown>[] = [];
  const log = pino({ level: 'info' }, { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) });
  return { log, lines };
}

describe('StateFile', () => {
  let dir: string;
  const clock = new FakeClock(Date.UTC(2026, 2, 3, 4, 5, 6, 789));
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'state-file-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes atomically: the target holds the whole new content and no temp file remains', async () => {
    const file = new StateFile(join(dir, 'x.json'), Doc, pino({ level: 'silent' }), clock.now);
    await file.write(JSON.stringify({ version: 1, items: ['a'] }));
    await file.write(JSON.stringify({ version: 1, items: ['a', 'b'] }));
    expect(await readdir(dir)).toEqual(['x.json']);
    expect(await file.load()).toEqual({ status: 'ok', value: { version: 1, items: ['a', 'b'] } });
  });

  it('creates the state directory when needed, and treats a missing file as a fresh start', async () => {
    const file = new StateFile(join(dir, 'sub', 'x.json'), Doc, pino({ level: 'silent' }), clock.now);
    expect(await file.load()).toEqual({ status: 'missing' });
    await file.write('{"version":1,"items":[]}');
    expect(await readFile(join(dir, 'sub', 'x.json'), 'utf8')).toBe('{"version":1,"items":[]}');
  });

  it('leaves the old file and no temp file when a write fails', async () => {
    const target = join(dir, 'x.json');
    await mkdir(join(target, 'in-the-way'), { recursive: true }); // rename onto a non-empty directory fails
    const file = new StateFile(target, Doc, pino({ level: 'silent' }), clock.now);
    await expect(file.write('{"version":1,"items":[]}')).rejects.toBeInstanceOf(StateFileError);
    expect(await readdir(dir)).toEqual(['x.json']);
  });

  it('removes temp files left by an interrupted write and loads the intact file', async () => {
    await writeFile(join(dir, 'x.json'), '{"version":1,"items":["kept"]}');
    await writeFile(join(dir, 'x.json.tmp-123-4'), '{"version":1,"it');
    const file = new StateFile(join(dir, 'x.json'), Doc, pino({ level: 'silent' }), clock.now);
    expect(await file.load()).toEqual({ status: 'ok', value: { version: 1, items: ['kept'] } });
    expect(await readdir(dir)).toEqual(['x.json']);
  });

  it('moves a file with bad JSON aside, logs an error and reports it', async () => {
    await writeFile(join(dir, 'x.json'), '{"version":1,"items":[');
    const { log, lines } = logCapture();
    const file = new StateFile(join(dir, 'x.json'), Doc, log, clock.now);
    const outcome = await file.load();
    const movedTo = join(dir, 'x.json.corrupt-2026-03-03T04-05-06.789Z');
    expect(outcome).toMatchObject({ status: 'corrupt', problem: { file: join(dir, 'x.json'), movedTo, reason: expect.stringMatching(/^not valid JSON/) } });
    expect(await readdir(dir)).toEqual(['x.json.corrupt-2026-03-03T04-05-06.789Z']);
    expect(await readFile(movedTo, 'utf8')).toBe('{"version":1,"items":[');
    expect(lines).toContainEqual(expect.objectContaining({ level: 50, movedTo, msg: expect.stringContaining('corrupt') }));
  });

  it('moves a file of the wrong shape aside, naming the faulty path', async () => {
    await writeFile(join(dir, 'x.json'), '{"version":2,"items":[1]}');
    const file = new StateFile(join(dir, 'x.json'), Doc, pino({ level: 'silent' }), clock.now);
    const outcome = await file.load();
    expect(outcome.status).toBe('corrupt');
    if (outcome.status !== 'corrupt') return;
    expect(outcome.problem.reason).toMatch(/^wrong shape: version: .*; items\.0: /);
  });
});
