/** `npm run bench` flags: usage text, parsing and defaults. */
import { parseArgs } from 'node:util';
import { applianceReceiver, applianceRulesReceiver } from './appliance-receiver.js';
import { bareReceiver } from './bare-receiver.js';
import type { ReceiverKind } from './receiver.js';
import { rsyslogReceiver } from './rsyslog-receiver.js';
import type { BenchOptions } from './results.js';

export const RECEIVERS: readonly ReceiverKind[] = [bareReceiver, rsyslogReceiver, applianceReceiver, applianceRulesReceiver];
/** The keys phase's default: the issue's 100k tracked keys. The rules' schema caps maxKeys at 1,000,000. */
const DEFAULT_KEYS = 100_000;
const MAX_KEYS = 1_000_000;
const DEFAULT_RATES = '10k,20k,40k,60k,80k,100k,120k,140k,160k,180k,200k,250k,300k,350k,400k,500k';
const QUICK_RATES = '10k,40k,80k,120k,160k,200k,300k,400k';

export const USAGE = `usage: npm run bench -- [options]

  --quick                 smoke run (about 1-2 min): 1 repeat, short UDP steps, 100k TCP messages
  --messages N            TCP messages per run (default 1000000)
  --repeats N             runs per point; medians are reported (default 3)
  --udp-rates LIST        UDP target rates, msg/s (default ${DEFAULT_RATES})
  --udp-step-seconds S    length of each UDP step (default 2)
  --udp-step-messages N   fixed messages per UDP step instead of a duration
  --tick-ms N             UDP pacing: one burst per N ms timer tick (default 1)
  --latency-seconds S     length of each latency run (default 3)
  --receivers LIST        which columns: ${RECEIVERS.map((r) => r.id).join(',')} (default all; rsyslog is
                          skipped with a message when rsyslogd is not installed)
  --keys N                tracked-keys phase: one "Invalid user" line from each of N hosts to the appliance with
                          the default rules, then its peak RSS and tracked keys (default 100k; 0 skips it; runs
                          when appliance-rules is among the receivers)
  --transports LIST       udp,tcp (default both)
  --rcvbuf BYTES          SO_RCVBUF both receivers ask for (default 8388608)
  --nice=N                run sender, receivers and orchestrator at nice N (e.g. --nice=-10, root only), so that
                          other processes on a shared machine disturb the measurement less (default: unchanged)
  --no-pin                do not pin the sender (CPU 0) and the receiver (CPU 1) to different CPUs
  --tune-rmem             raise net.core.rmem_max to --rcvbuf for the run (needs root; restored afterwards)
  --profile-dir DIR       run the appliance with --cpu-prof, writing its .cpuprofile to DIR
  --appliance-node-args S extra node flags for the appliance, space-separated (e.g. "--max-semi-space-size=4")
  --json FILE             also write the raw results as JSON
  --timeout S             abort the whole run after S seconds (default 1800; --quick 300)
`;

function parseCount(text: string, what: string): number {
  const m = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(text.trim());
  if (!m) throw new Error(`${what}: "${text}" is not a number (e.g. 1000, 20k, 1M)`);
  const mult = m[2] === '' ? 1 : m[2]!.toLowerCase() === 'k' ? 1e3 : 1e6;
  return Math.round(Number(m[1]) * mult);
}

function parseNice(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < -20 || n > 19) throw new Error(`--nice: "${text}" must be an integer from -20 to 19`);
  return n;
}

function parseKeys(text: string): number {
  const n = parseCount(text, '--keys');
  if (n > MAX_KEYS) throw new Error(`--keys: ${n} is above ${MAX_KEYS.toLocaleString('en-US')} (the rules' maxKeys limit)`);
  return n;
}

export function parseOptions(argv: readonly string[]): BenchOptions | null {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      quick: { type: 'boolean', default: false },
      messages: { type: 'string' },
      repeats: { type: 'string' },
      'udp-rates': { type: 'string' },
      'udp-step-seconds': { type: 'string' },
      'udp-step-messages': { type: 'string' },
      'tick-ms': { type: 'string', default: '1' },
      'latency-seconds': { type: 'string' },
      receivers: { type: 'string' },
      transports: { type: 'string', default: 'udp,tcp' },
      rcvbuf: { type: 'string', default: String(8 * 1024 * 1024) },
      'tune-rmem': { type: 'boolean', default: false },
      'no-pin': { type: 'boolean', default: false },
      nice: { type: 'string' },
      'profile-dir': { type: 'string' },
      'appliance-node-args': { type: 'string' },
      json: { type: 'string' },
      timeout: { type: 'string' },
      keys: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return null;
  }
  const quick = values.quick;
  const receivers = (values.receivers ?? RECEIVERS.map((r) => r.id).join(',')).split(',').map((s) => s.trim());
  for (const id of receivers) if (!RECEIVERS.some((r) => r.id === id)) throw new Error(`--receivers: unknown receiver "${id}"`);
  const transports = values.transports.split(',').map((s) => s.trim());
  for (const t of transports) if (t !== 'udp' && t !== 'tcp') throw new Error(`--transports: unknown transport "${t}"`);
  const positive = (text: string, what: string): number => {
    const n = Number(text);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`${what}: "${text}" must be a positive number`);
    return n;
  };
  return {
    quick,
    tcpMessages: parseCount(values.messages ?? (quick ? '100k' : '1M'), '--messages'),
    repeats: Math.floor(positive(values.repeats ?? (quick ? '1' : '3'), '--repeats')),
    udpRates: (values['udp-rates'] ?? (quick ? QUICK_RATES : DEFAULT_RATES))
      .split(',')
      .map((r) => parseCount(r, '--udp-rates'))
      .sort((a, b) => a - b),
    udpStepSeconds: positive(values['udp-step-seconds'] ?? (quick ? '0.5' : '2'), '--udp-step-seconds'),
    udpStepMessages: values['udp-step-messages'] === undefined ? null : parseCount(values['udp-step-messages'], '--udp-step-messages'),
    tickMs: positive(values['tick-ms'], '--tick-ms'),
    latencySeconds: positive(values['latency-seconds'] ?? (quick ? '1' : '3'), '--latency-seconds'),
    receivers,
    transports: transports as ('udp' | 'tcp')[],
    rcvbufBytes: parseCount(values.rcvbuf, '--rcvbuf'),
    tuneRmem: values['tune-rmem'],
    profileDir: values['profile-dir'] ?? null,
    applianceNodeArgs: (values['appliance-node-args'] ?? '').split(' ').filter((a) => a !== ''),
    json: values.json ?? null,
    timeoutSeconds: positive(values.timeout ?? (quick ? '300' : '1800'), '--timeout'),
    failuresToStop: quick ? 1 : 2,
    pin: !values['no-pin'],
    nice: values.nice === undefined ? null : parseNice(values.nice),
    keys: parseKeys(values.keys ?? String(DEFAULT_KEYS)),
  };
}
