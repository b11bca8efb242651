import cron from 'node-cron';
import { z } from 'zod';
import { ApiSchema } from './api-schema.js';
import { NotifySchema } from './notify-schema.js';
import { RulesSchema } from './rules-schema.js';
import { TriageSchema } from './triage-schema.js';
import { DurationMs, IpAddress, Port, SizeBytes } from './units.js';
import { SourceAllowlist } from '../ingest/source-allowlist.js';
import { isValidTimezone } from '../parse/timezone.js';
import { isCronTimezone } from '../digest/digest-scheduler.js';

/** "10.0.0.0/8", "2001:db8::/32", or a single address: exactly what the listener's SourceAllowlist compiles. */
export const Cidr = z.string().refine(
  (s) => {
    try {
      SourceAllowlist.compile([s]);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'must be an address or CIDR block, e.g. 192.168.1.0/24 or 2001:db8::/32' },
);

const listenerCommon = {
  /** Shown in logs and metrics; defaults to "<protocol>:<address>:<port>". */
  name: z.string().regex(/^[A-Za-z0-9_.:\-[\]]{1,64}$/).optional(),
  address: IpAddress.default('0.0.0.0'),
  port: Port,
  /** Source allowlist: when present, senders outside these blocks are dropped and counted. */
  allow: z.array(Cidr).min(1).optional(),
};

const streamCommon = {
  ...listenerCommon,
  maxFrameBytes: SizeBytes.pipe(z.number().int().min(480).max(16 * 1024 * 1024)).default(64 * 1024),
  maxConnections: z.number().int().positive().max(100_000).default(512),
  idleTimeout: DurationMs.default(300_000),
};

const UdpListener = z.strictObject({
  protocol: z.literal('udp'),
  ...listenerCommon,
  /** SO_RCVBUF asked of the kernel; it may grant less (net.core.rmem_max). */
  receiveBufferBytes: SizeBytes.pipe(z.number().int().min(4096)).default(8 * 1024 * 1024),
  maxMessageBytes: SizeBytes.pipe(z.number().int().min(480).max(65535)).default(65535),
});

const TcpListener = z.strictObject({ protocol: z.literal('tcp'), ...streamCommon });

const TlsListener = z.strictObject({
  protocol: z.literal('tls'),
  ...streamCommon,
  /** PEM files, read once at load. */
  cert: z.string().min(1),
  key: z.string().min(1),
  /** CA bundle used to verify client certificates. */
  ca: z.string().min(1).optional(),
  /** none: no client certificate; request: ask, accept without; require: reject clients without a valid one. */
  clientAuth: z.enum(['none', 'request', 'require']).default('none'),
});

export const ListenerSchema = z.discriminatedUnion('protocol', [UdpListener, TcpListener, TlsListener]);

const HttpSchema = z.strictObject({
  address: IpAddress.default('127.0.0.1'),
  port: Port.default(9514),
  api: ApiSchema.prefault({}),
});

const LogSchema = z.strictObject({
  level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
});

const AlertingSchema = z.strictObject({
  /** At most one "updated" event per incident per interval; matches in between are folded into the next one. */
  updateInterval: DurationMs.default(60_000),
  /** Open incidents tracked at once; beyond it the oldest-updated incident is closed early (counted). */
  maxOpenIncidents: z.number().int().positive().max(1_000_000).default(10_000),
  /** How long resolved incidents are kept (for status and persistence) before garbage collection. */
  resolvedRetention: DurationMs.default(7 * 86_400_000),
  maxMutes: z.number().int().positive().max(100_000).default(1000),
  /** Expired mutes are garbage-collected this long after they end. */
  muteRetention: DurationMs.default(7 * 86_400_000),
  /** node-cron schedule of the garbage-collection job. */
  gcSchedule: z.string().refine((s) => cron.validate(s), { message: 'must be a cron expression, e.g. "*/10 * * * *"' }).default('*/10 * * * *'),
});

/** The daily digest (src/digest/); absent = off. */
const DigestSchema = z.strictObject({
  /** node-cron schedule. */
  schedule: z.string().refine((s) => cron.validate(s), { message: 'must be a cron expression, e.g. "0 8 * * *"' }).default('0 8 * * *'),
  /** IANA zone the schedule is read in; default: the top-level timezone (load.ts), else UTC. */
  timezone: z.string().refine(isCronTimezone, { message: 'must be UTC or an IANA zone such as Europe/Berlin' }).optional(),
  /** Busiest hosts listed. */
  top: z.number().int().min(1).max(50).default(10),
  /** Hosts counted one by one between two digests; messages from further hosts are counted together. */
  maxHosts: z.number().int().min(1).max(1_000_000).default(10_000),
});

export const ConfigSchema = z.strictObject({
  listeners: z.array(ListenerSchema).min(1),
  http: HttpSchema.prefault({}),
  stateDir: z.string().min(1).default('./state'),
  timezone: z
    .string()
    .refine(isValidTimezone, { message: 'must be UTC, an IANA zone such as Europe/Berlin, or an offset such as +02:00' })
    .default('UTC'),
  /** Detection rules (rules-schema.ts): threshold and keyword rules, compiled by load.ts. */
  rules: RulesSchema,
  alerting: AlertingSchema.prefault({}),
  notify: NotifySchema.default({ console: {} }),
  log: LogSchema.prefault({}),
  digest: DigestSchema.optional(),
  /** LLM triage of fired incidents (triage-schema.ts); absent = off. */
  triage: TriageSchema.optional(),
});

export type RawConfig = z.input<typeof ConfigSchema>;
export type ParsedConfig = z.output<typeof ConfigSchema>;
export type ParsedListener = z.output<typeof ListenerSchema>;
