/**
 * POST /api/v1/detect: the posted entries run through the replay engine (src/replay/replay-engine.ts, the engine
 * of `syslog-sentinel replay`): a fresh detector and alert manager on the entries' own clock, no state directory,
 * no mutes, no notifiers but the response. The live daemon's detector, incidents, mutes, state files and
 * notifiers are never touched. The incident events stream back as NDJSON, one per line, in the same JSON form
 * the console notifier (and `replay`) prints.
 *
 * Backpressure: the engine is fed in batches; after each batch the events it produced are written to the
 * response, and feeding waits while the client is not reading. Between batches the event loop serves the live
 * pipeline. When the client goes away, feeding stops.
 */
import type { ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
import type { CompiledRule } from '../config/rules-schema.js';
import type { Config } from '../config/types.js';
import type { Logger } from '../log.js';
import { ConsoleNotifier } from '../notify/console-notifier.js';
import { ReplayEngine } from '../replay/replay-engine.js';
import type { Client } from './logs-route.js';
import type { Entry } from './request-entries.js';

/** Lines fed between two flushes to the response (and two turns of the event loop). */
const BATCH_LINES = 64;

export type RuleSelection = { readonly ok: true; readonly rules: readonly CompiledRule[] } | { readonly ok: false; readonly message: string };

/** `?rules=a,b` → those configured rules (in config order); absent → every configured rule. */
export function selectRules(configured: readonly CompiledRule[], param: string | null): RuleSelection {
  if (param === null) return { ok: true, rules: configured };
  const wanted = new Set(param.split(',').map((n) => n.trim()).filter((n) => n.length > 0));
  const known = configured.map((r) => r.name);
  if (wanted.size === 0) return { ok: false, message: `rules= names no rule; configured rules: ${known.join(', ') || '(none)'}` };
  const unknown = [...wanted].filter((n) => !known.includes(n));
  if (unknown.length > 0) return { ok: false, message: `unknown rule${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}; configured rules: ${known.join(', ') || '(none)'}` };
  return { ok: true, rules: configured.filter((r) => wanted.has(r.name)) };
}

export interface DetectRun {
  readonly config: Config;
  readonly rules: readonly CompiledRule[];
  readonly entries: readonly Entry[];
  readonly client: Client;
  /** Time of entries before the first timestamped one, and the reference for year-less stamps (as replay's --now). */
  readonly now: number;
  readonly log: Logger;
}

/** Writes 200 and the events; resolves with the number of events written (and whether the client stayed). */
export async function streamDetection(run: DetectRun, res: ServerResponse): Promise<{ events: number; complete: boolean }> {
  const pending: Buffer[] = [];
  const collector = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      pending.push(chunk);
      callback();
    },
  });
  const notifier = new ConsoleNotifier({ stream: collector });
  const engine = new ReplayEngine({
    config: { ...run.config, rules: run.rules },
    notifiers: [notifier],
    log: run.log,
    now: run.now,
    sender: run.client.address,
    // Bounded by the request: at most a fired/updated and a resolved event per rule match, plus what a full
    // store evicts. Nothing may be dropped, or the answer would be wrong.
    maxQueuedEvents: 2 * run.entries.length * Math.max(1, run.rules.length) + run.config.alerting.maxOpenIncidents,
  });
  res.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store' });
  let events = 0;
  // Every microtask (the alert manager's delivery lane) has run by the next macrotask: the batch's events are in `pending`.
  const flush = async (): Promise<boolean> => {
    await new Promise<void>((resolve) => setImmediate(resolve));
    for (const chunk of pending.splice(0)) {
      if (res.destroyed) return false;
      events++;
      if (!res.write(chunk) && !(await drained(res))) return false;
    }
    return !res.destroyed;
  };
  try {
    for (let i = 0; i < run.entries.length; i++) {
      engine.feed(run.entries[i]!.bytes);
      if ((i + 1) % BATCH_LINES === 0 && !(await flush())) return { events, complete: false };
    }
    // Lets the engine's clock run on until every incident has resolved, as `replay` does at the end of its file.
    await engine.finish();
    if (!(await flush())) return { events, complete: false };
    res.end();
    return { events, complete: true };
  } finally {
    notifier.close();
  }
}

/** True on 'drain', false when the response closes first. */
function drained(res: ServerResponse): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (ok: boolean): void => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      resolve(ok);
    };
    const onDrain = (): void => done(true);
    const onClose = (): void => done(false);
    res.on('drain', onDrain);
    res.on('close', onClose);
  });
}
