/** The fuzz script's flags. */

export interface FuzzOptions {
  readonly frames: number;
  readonly seed: number;
  readonly quick: boolean;
  readonly jsonFile: string | null;
  readonly timeoutMs: number;
  /** Share of the frames sent over UDP (the rest over TCP). */
  readonly udpShare: number;
  /** Of the UDP datagrams, the share sent to the listener that denies loopback. */
  readonly deniedShare: number;
  readonly udpDatagramsPerSecond: number;
  readonly udpBytesPerSecond: number;
  readonly tcpWorkers: number;
  /** Connections reset mid-frame after the main traffic (reset-phase.ts). */
  readonly resetConnections: number;
  readonly rssLimitBytes: number;
  readonly rssGrowthBytes: number;
  readonly liveGrowthBytes: number;
  readonly sampleIntervalMs: number;
  /** How often the monitor forces a full garbage collection to read the memory the appliance really holds. */
  readonly liveIntervalMs: number;
}

export const USAGE = `usage: npm run fuzz -- [--frames N] [--seed N] [--quick] [--json FILE] [--timeout SECONDS]
                      [--udp-rate N] [--rss-limit MB]

Sends N frames of bad input (default 1M; --quick: 20k) over UDP and TCP to the built appliance on loopback,
checks that it stays up, its memory stays bounded and every frame is accounted for, then checks that a
catastrophic regex is refused at load. Ends with "fuzz: PASS (...)" or "fuzz: FAIL (reason)"; exit code 0 or 1.
  --frames N       frames to send (k and M suffixes: 20k, 1M)
  --seed N         PRNG seed (default 1): the same seed sends the same bytes
  --quick          20k frames, a shorter timeout, denser sampling
  --json FILE      write the figures and the verdict as JSON
  --timeout S      give up (FAIL) after S seconds (default 1200; --quick: 180)
  --udp-rate N     UDP datagrams per second (default 20000)
  --rss-limit MB   the appliance's peak RSS must stay below this (default 250)
`;

const MiB = 1024 * 1024;

function count(text: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(text);
  if (m === null) throw new Error(`${flag}: expected a number such as 20000, 20k or 1M, got "${text}"`);
  const mult = m[2] === '' ? 1 : m[2]!.toLowerCase() === 'k' ? 1000 : 1_000_000;
  const n = Math.round(Number(m[1]) * mult);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${flag}: must be a positive integer, got "${text}"`);
  return n;
}

/** Parses argv; throws Error with a message naming the flag. `null` means --help. */
export function parseFuzzArgs(argv: readonly string[]): FuzzOptions | null {
  const values = new Map<string, string>();
  let quick = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') return null;
    if (arg === '--quick') {
      quick = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (!['--frames', '--seed', '--json', '--timeout', '--udp-rate', '--rss-limit'].includes(name)) throw new Error(`unknown option "${arg}"\n\n${USAGE}`);
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new Error(`${name} needs a value`);
    values.set(name, value);
  }
  const get = (flag: string): string | undefined => values.get(flag);
  const seedText = get('--seed');
  const seed = seedText === undefined ? 1 : Number(seedText);
  if (!Number.isSafeInteger(seed) || seed < 0) throw new Error(`--seed: must be a non-negative integer, got "${seedText}"`);
  const timeoutText = get('--timeout');
  return {
    frames: get('--frames') === undefined ? (quick ? 20_000 : 1_000_000) : count(get('--frames')!, '--frames'),
    seed,
    quick,
    jsonFile: get('--json') ?? null,
    timeoutMs: (timeoutText === undefined ? (quick ? 180 : 1200) : count(timeoutText, '--timeout')) * 1000,
    udpShare: 0.5,
    deniedShare: 0.01,
    udpDatagramsPerSecond: get('--udp-rate') === undefined ? 20_000 : count(get('--udp-rate')!, '--udp-rate'),
    udpBytesPerSecond: 40 * MiB,
    tcpWorkers: 6,
    resetConnections: quick ? 10 : 100,
    rssLimitBytes: (get('--rss-limit') === undefined ? 250 : count(get('--rss-limit')!, '--rss-limit')) * MiB,
    rssGrowthBytes: 32 * MiB,
    liveGrowthBytes: 8 * MiB,
    sampleIntervalMs: quick ? 100 : 250,
    liveIntervalMs: quick ? 2000 : 5000,
  };
}
