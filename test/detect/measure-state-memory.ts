/**
 * Heap held by sshd-invalid-user state for 100,000 tracked keys (hosts), one match per key and four (a full
 * ring). Not a test: `node --expose-gc --import tsx test/detect/measure-state-memory.ts`.
 */
import { Detector } from '../../src/detect/detector.js';
import { compileRules, sshd, T0 } from './received.js';

const KEYS = 100_000;
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with node --expose-gc');

function heapAfterGc(): number {
  gc!();
  gc!();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers; // lru-cache keeps its slot links in typed arrays, outside the JS heap
}

function measure(matchesPerKey: number): number {
  const rules = compileRules([{ name: 'ssh_invalid_user', preset: 'sshd-invalid-user', maxKeys: KEYS }]);
  const empty = heapAfterGc();
  // Messages are built per key and dropped, so only the detector's state stays reachable.
  const detector = new Detector({ rules, onSignal: () => {} });
  const before = heapAfterGc(); // lru-cache allocates its slot arrays (maxKeys long) up front
  for (let i = 0; i < KEYS; i++) {
    const host = `host-${i.toString().padStart(6, '0')}.example.net`;
    for (let j = 0; j < matchesPerKey; j++) detector.process(sshd(host, `Invalid user admin from 203.0.113.${i % 250} port ${1024 + j}`, T0 + j));
  }
  const after = heapAfterGc();
  const stats = detector.stats()[0]!;
  if (stats.trackedKeys !== KEYS) throw new Error(`tracked ${stats.trackedKeys}`);
  preallocated = before - empty;
  return after - before;
}

let preallocated = 0;

const mib = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MiB`;
for (const n of [1, 4, 1, 4]) {
  const bytes = measure(n);
  console.log(`${n} match(es) per key: ${mib(bytes)} for ${KEYS} keys (${Math.round(bytes / KEYS)} bytes per key), plus ${mib(preallocated)} allocated up front for maxKeys=${KEYS}`);
}
