/**
 * config/grafana-dashboard.json and config/prometheus-scrape.yml against what the appliance really exports:
 * every metric name in every PromQL expression of the dashboard must be one the daemon's registry exposes.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { createApp } from '../../src/app.js';
import { loadConfigText } from '../../src/config/load.js';

const root = join(import.meta.dirname, '..', '..');
const dashboardFile = join(root, 'config', 'grafana-dashboard.json');
const scrapeFile = join(root, 'config', 'prometheus-scrape.yml');
const run = promisify(execFile);
const hasPromtool = await run('promtool', ['--version']).then(() => true, () => false);

// ---------------------------------------------------------------------------------------------------------
// A small PromQL scanner: enough of the grammar to tell metric names from functions, keywords, label names
// (inside {...} and in by/without/on/ignoring/group_left/group_right lists), strings, numbers and durations.

const AGGREGATIONS = new Set(['sum', 'min', 'max', 'avg', 'group', 'stddev', 'stdvar', 'count', 'count_values', 'bottomk', 'topk', 'quantile', 'limitk', 'limit_ratio']);
const FUNCTIONS = new Set([
  'abs', 'absent', 'absent_over_time', 'acos', 'acosh', 'asin', 'asinh', 'atan', 'atanh', 'avg_over_time', 'ceil', 'changes', 'clamp', 'clamp_max',
  'clamp_min', 'cos', 'cosh', 'count_over_time', 'day_of_month', 'day_of_week', 'day_of_year', 'days_in_month', 'deg', 'delta', 'deriv',
  'double_exponential_smoothing', 'exp', 'floor', 'histogram_avg', 'histogram_count', 'histogram_fraction', 'histogram_quantile',
  'histogram_stddev', 'histogram_stdvar', 'histogram_sum', 'holt_winters', 'hour', 'idelta', 'increase', 'info', 'irate', 'label_join',
  'label_replace', 'last_over_time', 'ln', 'log10', 'log2', 'mad_over_time', 'max_over_time', 'min_over_time', 'minute', 'month', 'pi',
  'predict_linear', 'present_over_time', 'quantile_over_time', 'rad', 'rate', 'resets', 'round', 'scalar', 'sgn', 'sin', 'sinh', 'sort',
  'sort_by_label', 'sort_by_label_desc', 'sort_desc', 'sqrt', 'stddev_over_time', 'stdvar_over_time', 'sum_over_time', 'tan', 'tanh', 'time',
  'timestamp', 'vector', 'year',
  'start', 'end', // the @ modifier's start() / end()
]);
/** Keywords followed by a parenthesised list of label names. */
const LABEL_LIST_KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);
/** Keywords and literals that stand alone. */
const KEYWORDS = new Set(['bool', 'offset', 'and', 'or', 'unless', 'atan2', 'inf', 'nan']);

interface Extracted {
  readonly metrics: string[];
  /** Identifiers called like functions that PromQL does not have (a typo such as `rat(`). */
  readonly unknownFunctions: string[];
}

/** Metric names an expression selects. Grafana's `$var` / `${var}` / `[[var]]` macros are treated as opaque. */
function extractMetricNames(expr: string): Extracted {
  const metrics: string[] = [];
  const unknownFunctions: string[] = [];
  let i = 0;
  const n = expr.length;
  const isIdentStart = (c: string) => /[A-Za-z_:]/.test(c);
  const isIdent = (c: string) => /[A-Za-z0-9_:]/.test(c);
  const skipSpace = (j: number) => {
    while (j < n) {
      const c = expr[j]!;
      if (/\s/.test(c)) j++;
      else if (c === '#') while (j < n && expr[j] !== '\n') j++;
      else break;
    }
    return j;
  };
  const skipString = (j: number) => {
    const quote = expr[j]!;
    j++;
    while (j < n && expr[j] !== quote) j += expr[j] === '\\' && quote !== '`' ? 2 : 1;
    if (j >= n) throw new SyntaxError(`unterminated string in ${expr}`);
    return j + 1;
  };
  /** From an opening bracket to just past its matching close, skipping strings. */
  const skipBalanced = (j: number, open: string, close: string) => {
    let depth = 0;
    while (j < n) {
      const c = expr[j]!;
      if (c === '"' || c === "'" || c === '`') {
        j = skipString(j);
        continue;
      }
      if (c === open) depth++;
      else if (c === close && --depth === 0) return j + 1;
      j++;
    }
    throw new SyntaxError(`unbalanced ${open}${close} in ${expr}`);
  };

  while (i < n) {
    const c = expr[i]!;
    if (/\s/.test(c) || c === '#') {
      i = skipSpace(i);
    } else if (c === '"' || c === "'" || c === '`') {
      i = skipString(i);
    } else if (c === '{') {
      i = skipBalanced(i, '{', '}'); // label matchers (a selector's name, if any, came just before)
    } else if (c === '[' && expr[i + 1] === '[') {
      i = skipBalanced(i + 1, '[', ']') + 1; // Grafana [[var]]
    } else if (c === '[') {
      i = skipBalanced(i, '[', ']'); // range or subquery: durations and $__rate_interval
    } else if (c === '$') {
      i++;
      if (expr[i] === '{') i = skipBalanced(i, '{', '}');
      else while (i < n && isIdent(expr[i]!)) i++;
    } else if (/[0-9.]/.test(c)) {
      while (i < n && /[0-9A-Za-z_.]/.test(expr[i]!)) i++; // numbers, 0x.., 1e3, durations (5m, 1h30m)
      if (/[eE]$/.test(expr.slice(0, i)) && (expr[i] === '+' || expr[i] === '-')) {
        i++;
        while (i < n && /[0-9]/.test(expr[i]!)) i++;
      }
    } else if (isIdentStart(c)) {
      const start = i;
      while (i < n && isIdent(expr[i]!)) i++;
      const word = expr.slice(start, i);
      const lower = word.toLowerCase();
      const next = skipSpace(i);
      if (LABEL_LIST_KEYWORDS.has(lower)) {
        if (expr[next] === '(') i = skipBalanced(next, '(', ')');
      } else if (KEYWORDS.has(lower)) {
        // operator, modifier or literal: nothing to record
      } else if (AGGREGATIONS.has(lower)) {
        // sum(...), sum by (x) (...), sum without (x) (...): the modifier is handled as a keyword next round
      } else if (expr[next] === '(') {
        if (!FUNCTIONS.has(word)) unknownFunctions.push(word);
      } else {
        metrics.push(word);
      }
    } else {
      i++; // operators, parentheses, commas, @
    }
  }
  return { metrics, unknownFunctions };
}

/** The expression inside a Grafana Prometheus variable query (label_values(expr, label), query_result(expr), ...). */
function variableQueryExpr(query: string): string | null {
  const q = query.trim();
  let m = /^label_values\(\s*(.*),\s*[A-Za-z_][A-Za-z0-9_]*\s*\)$/s.exec(q);
  if (m) return m[1]!;
  if (/^label_values\(\s*[A-Za-z_][A-Za-z0-9_]*\s*\)$/.test(q) || /^label_names\(\s*\)$/.test(q)) return null;
  m = /^(?:query_result|metrics)\((.*)\)$/s.exec(q);
  if (m) return q.startsWith('metrics(') ? null : m[1]!;
  return q;
}

// ---------------------------------------------------------------------------------------------------------
// The dashboard.

type Json = unknown;
interface Panel {
  readonly id?: number;
  readonly type?: string;
  readonly title?: string;
  readonly datasource?: { type?: string; uid?: string };
  readonly targets?: { expr?: string; refId?: string; datasource?: { type?: string; uid?: string } }[];
  readonly panels?: Panel[];
  readonly gridPos?: { h: number; w: number; x: number; y: number };
}
interface Dashboard {
  readonly schemaVersion: number;
  readonly uid?: string;
  readonly title: string;
  readonly panels: Panel[];
  readonly templating?: { list: { name: string; type: string; query?: string | { query?: string } }[] };
  readonly __inputs?: { name: string; pluginId: string }[];
}

/** Every panel, rows' nested panels included. */
function allPanels(panels: readonly Panel[]): Panel[] {
  return panels.flatMap((p) => [p, ...allPanels(p.panels ?? [])]);
}

/** Every `expr` anywhere in the JSON, as a cross-check that the structured walk missed none. */
function deepExprCount(value: Json): number {
  if (Array.isArray(value)) return value.reduce<number>((s, v) => s + deepExprCount(v), 0);
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).reduce<number>((s, [k, v]) => s + (k === 'expr' && typeof v === 'string' ? 1 : 0) + deepExprCount(v), 0);
  }
  return 0;
}

interface Query {
  readonly where: string;
  readonly expr: string;
}

function dashboardQueries(d: Dashboard): Query[] {
  const queries: Query[] = [];
  for (const p of allPanels(d.panels)) {
    for (const t of p.targets ?? []) {
      if (typeof t.expr === 'string') queries.push({ where: `panel "${p.title ?? p.id}" ${t.refId ?? ''}`, expr: t.expr });
    }
  }
  for (const v of d.templating?.list ?? []) {
    if (v.type !== 'query') continue;
    const text = typeof v.query === 'string' ? v.query : v.query?.query;
    const expr = text === undefined ? null : variableQueryExpr(text);
    if (expr !== null) queries.push({ where: `variable $${v.name}`, expr });
  }
  return queries;
}

const dashboardText = readFileSync(dashboardFile, 'utf8');
const dashboard = JSON.parse(dashboardText) as Dashboard;

// ---------------------------------------------------------------------------------------------------------
// What the daemon exports: its registry built in-process exactly as `run` builds it (nothing bound, nothing
// started). Some metrics are registered only when their feature is configured (the Slack call and outbox
// metrics only with notify.slack or notify.webhook, the triage metrics only with triage, the API metrics only
// with http.api.ingest or detect), so the app is configured with every notifier, the digest, triage and the
// API: the dashboard may show any metric some configuration of the appliance exports, and no other.

let stateDir: string;
let exported: Set<string>;

async function exportedNames(registry: Registry): Promise<Set<string>> {
  const names = new Set<string>();
  for (const m of await registry.getMetricsAsJSON()) {
    const type = String(m.type);
    if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(m.name + suffix);
    else if (type === 'summary') for (const name of [m.name, `${m.name}_sum`, `${m.name}_count`]) names.add(name);
    else names.add(m.name);
  }
  return names;
}

beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'sentinel-dashboard-'));
  // Slack in http mode needs no app token and binds nothing until start(); the URLs point at a closed port.
  const config = loadConfigText(`
listeners:
  - { protocol: udp, address: 127.0.0.1, port: 0 }
  - { protocol: tcp, address: 127.0.0.1, port: 0 }
http:
  address: 127.0.0.1
  port: 0
  api: { ingest: true, detect: true, token: "0123456789abcdef0123" }
stateDir: ${JSON.stringify(stateDir)}
rules:
  - name: ssh_invalid_user
    preset: sshd-invalid-user
notify:
  console: {}
  slack:
    mode: http
    botToken: xoxb-x
    signingSecret: "12345678"
    channel: "#a"
    address: 127.0.0.1
    port: 0
    apiUrl: http://127.0.0.1:9/api/
  webhook:
    url: http://127.0.0.1:9/hook
digest: {}
triage: { baseUrl: "http://127.0.0.1:1/v1", model: m }
`);
  const registry = new Registry();
  createApp(config, { log: pino({ level: 'silent' }), registry });
  exported = await exportedNames(registry);
});

afterAll(() => {
  rmSync(stateDir, { recursive: true, force: true });
});

describe('the PromQL metric-name extractor', () => {
  it('finds metric names and nothing else: not functions, aggregations, keywords, label names, strings or durations', () => {
    const cases: [string, string[]][] = [
      ['sum by (transport) (rate(syslog_messages_received_total{instance=~"$instance"}[$__rate_interval]))', ['syslog_messages_received_total']],
      ['histogram_quantile(0.99, sum by (le) (rate(syslog_pipeline_latency_seconds_bucket{le!="+Inf"}[5m])))', ['syslog_pipeline_latency_seconds_bucket']],
      ['sum(rate(a_total[5m] offset 1h)) without (instance, job) / on(instance) group_left(version, nodejs) b_info', ['a_total', 'b_info']],
      ['max(x{rule="sum by (le) (fake_metric)"}) by (rule) > bool 0 and y unless z', ['x', 'y', 'z']],
      ['label_replace(up, "dst", "$1", "src", "(.*)") or vector(0)', ['up']],
      ['topk(5, foo:bar_rate5m) * 1e3 + 0x1F - Inf', ['foo:bar_rate5m']],
      ['max_over_time(deriv(q[1h:5m])[30m:]) @ start()', ['q']],
      ['time() - max(ts_seconds) * 1000', ['ts_seconds']],
      ['sum(increase(c_total[$__range])) # a comment naming not_a_metric', ['c_total']],
    ];
    for (const [expr, want] of cases) {
      expect(extractMetricNames(expr), expr).toEqual({ metrics: want, unknownFunctions: [] });
    }
  });

  it('reports a made-up metric as unknown and a misspelt function as unknown (the check can fail)', () => {
    const bogus = extractMetricNames('sum by (rule) (rate(syslog_rule_matchez_total{rule="x"}[5m]))');
    expect(bogus.metrics).toEqual(['syslog_rule_matchez_total']);
    expect(bogus.metrics.filter((m) => !exported.has(m))).toEqual(['syslog_rule_matchez_total']);
    // A histogram's base name is not a series Prometheus stores; only _bucket/_sum/_count are.
    expect(exported.has('syslog_pipeline_latency_seconds')).toBe(false);
    expect(exported.has('syslog_slack_api_call_duration_seconds')).toBe(false);
    expect(extractMetricNames('rat(syslog_messages_received_total[5m])').unknownFunctions).toEqual(['rat']);
    // The same check the dashboard test runs, applied to a doctored copy, finds the doctored query.
    const doctored = JSON.parse(dashboardText) as Dashboard;
    doctored.panels.push({ type: 'row', title: 'r', panels: [{ type: 'timeseries', title: 'nested', targets: [{ refId: 'A', expr: 'rate(syslog_slack_calls_total[5m])' }] }] });
    expect(unknownMetrics(doctored)).toContainEqual({ where: 'panel "nested" A', metric: 'syslog_slack_calls_total' });
  });

  it('understands Grafana variable queries', () => {
    expect(variableQueryExpr('label_values(syslog_sentinel_build_info, instance)')).toBe('syslog_sentinel_build_info');
    expect(variableQueryExpr('label_values(instance)')).toBeNull();
    expect(variableQueryExpr('query_result(topk(3, up))')).toBe('topk(3, up)');
  });
});

function unknownMetrics(d: Dashboard): { where: string; metric: string }[] {
  const unknown: { where: string; metric: string }[] = [];
  for (const q of dashboardQueries(d)) {
    for (const metric of extractMetricNames(q.expr).metrics) if (!exported.has(metric)) unknown.push({ where: q.where, metric });
  }
  return unknown;
}

describe('config/grafana-dashboard.json', () => {
  it('the registry the daemon builds has the appliance, notifier, process and Node.js metrics', () => {
    for (const name of ['syslog_messages_received_total', 'syslog_udp_kernel_drops_total', 'syslog_rule_matches_total', 'syslog_pipeline_latency_seconds_bucket', 'process_resident_memory_bytes', 'process_cpu_seconds_total', 'nodejs_eventloop_lag_seconds']) {
      expect(exported, name).toContain(name);
    }
    // Registered because notify.slack and notify.webhook are configured above.
    for (const name of ['syslog_notifications_total', 'syslog_notifier_queue_depth', 'syslog_slack_api_calls_total', 'syslog_slack_api_call_duration_seconds_bucket', 'syslog_outbox_depth', 'syslog_outbox_oldest_event_age_seconds', 'syslog_outbox_events_total']) {
      expect(exported, name).toContain(name);
    }
    // Registered because triage and http.api (ingest, detect) are configured above.
    for (const name of ['syslog_triage_requests_total', 'syslog_triage_duration_seconds_bucket', 'syslog_triage_cache_evictions_total', 'syslog_api_requests_total', 'syslog_api_entries_total']) {
      expect(exported, name).toContain(name);
    }
  });

  it('needs the Slack/webhook configuration to see the Slack and outbox metrics (a console-only app has none)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sentinel-dashboard-console-'));
    try {
      const registry = new Registry();
      createApp(loadConfigText(`listeners: [{ protocol: udp, address: 127.0.0.1, port: 0 }]\nhttp: { address: 127.0.0.1, port: 0 }\nstateDir: ${JSON.stringify(dir)}\nrules: []\nnotify: { console: {} }\n`), { log: pino({ level: 'silent' }), registry, processMetrics: false });
      const names = await exportedNames(registry);
      expect(names).toContain('syslog_notifications_total');
      expect([...names].filter((n) => /^syslog_(slack|outbox|triage|api)_/.test(n))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('queries only metrics the appliance exports, with only real PromQL functions', () => {
    const queries = dashboardQueries(dashboard);
    expect(queries.length).toBeGreaterThanOrEqual(20);
    // Every `expr` in the file is reached by the panel/row/target walk (plus none hidden elsewhere).
    expect(queries.filter((q) => q.where.startsWith('panel'))).toHaveLength(deepExprCount(dashboard));
    for (const q of queries) {
      const { metrics, unknownFunctions } = extractMetricNames(q.expr);
      expect(metrics.length, `${q.where}: ${q.expr} selects no metric`).toBeGreaterThan(0);
      expect(unknownFunctions, `${q.where}: ${q.expr}`).toEqual([]);
    }
    expect(unknownMetrics(dashboard)).toEqual([]);
  });

  it('has a panel for each thing an operator watches, querying the metric that measures it', () => {
    const panels = allPanels(dashboard.panels).filter((p) => p.type !== 'row');
    const required: [RegExp, string][] = [
      [/messages\/s.*transport/i, 'syslog_messages_received_total'],
      [/bytes\/s/i, 'syslog_bytes_received_total'],
      [/parse.*format/i, 'syslog_messages_parsed_total'],
      [/drops.*reason/i, 'syslog_messages_dropped_total'],
      [/kernel.*udp.*drop/i, 'syslog_udp_kernel_drops_total'],
      [/connections open/i, 'syslog_connections_open'],
      [/latency.*p50.*p99/i, 'syslog_pipeline_latency_seconds_bucket'],
      [/rule matches/i, 'syslog_rule_matches_total'],
      [/incidents opened.*rule/i, 'syslog_incidents_opened_total'],
      [/incidents open now/i, 'syslog_incidents_open'],
      [/suppressed/i, 'syslog_incidents_suppressed_total'],
      [/notifications.*notifier.*outcome/i, 'syslog_notifications_total'],
      [/queue depth/i, 'syslog_notifier_queue_depth'],
      [/slack api calls.*method.*outcome/i, 'syslog_slack_api_calls_total'],
      [/slack.*latency.*p50.*p99.*method/i, 'syslog_slack_api_call_duration_seconds_bucket'],
      [/outbox depth/i, 'syslog_outbox_depth'],
      [/oldest.*event age/i, 'syslog_outbox_oldest_event_age_seconds'],
      [/outbox outcomes/i, 'syslog_outbox_events_total'],
      [/active mutes/i, 'syslog_mutes_active'],
      [/tracked keys/i, 'syslog_rule_tracked_keys'],
      [/evictions/i, 'syslog_rule_evictions_total'],
      [/config reload/i, 'syslog_sentinel_config_last_reload_successful'],
      [/rss/i, 'process_resident_memory_bytes'],
      [/cpu/i, 'process_cpu_seconds_total'],
      [/event-loop lag/i, 'nodejs_eventloop_lag_seconds'],
      [/triage outcomes.*outcome/i, 'syslog_triage_requests_total'],
      [/triage.*p50.*p99/i, 'syslog_triage_duration_seconds_bucket'],
      [/api requests.*endpoint.*status/i, 'syslog_api_requests_total'],
      [/api entries.*endpoint.*outcome/i, 'syslog_api_entries_total'],
    ];
    for (const [title, metric] of required) {
      const panel = panels.find((p) => title.test(p.title ?? ''));
      expect(panel, `no panel titled ${title}`).toBeDefined();
      const used = (panel!.targets ?? []).flatMap((t) => extractMetricNames(t.expr ?? '').metrics);
      expect(used, `panel "${panel!.title}"`).toContain(metric);
    }
    const latency = panels.find((p) => /latency/i.test(p.title ?? ''))!;
    const exprs = (latency.targets ?? []).map((t) => t.expr ?? '');
    expect(exprs.some((e) => /histogram_quantile\(\s*0\.5\s*,/.test(e))).toBe(true);
    expect(exprs.some((e) => /histogram_quantile\(\s*0\.99\s*,/.test(e))).toBe(true);
    // Slack latency: both quantiles, each kept apart per method (le and method both in the by list).
    const slackLatency = panels.find((p) => /slack.*latency/i.test(p.title ?? ''))!;
    const slackExprs = (slackLatency.targets ?? []).map((t) => t.expr ?? '');
    for (const q of ['0\\.5', '0\\.99']) {
      const quantile = new RegExp(`histogram_quantile\\(\\s*${q}\\s*,\\s*sum by \\((?=[^)]*\\ble\\b)(?=[^)]*\\bmethod\\b)[^)]*\\)`);
      expect(slackExprs.some((e) => quantile.test(e)), `${slackLatency.title}: quantile ${q}`).toBe(true);
    }
  });

  it('imports cleanly: schema version, a Prometheus datasource variable every query uses, unique ids, layout', () => {
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    expect(dashboard.title).toBe('syslog-sentinel');
    expect(dashboard.uid).toMatch(/^[A-Za-z0-9_-]{1,40}$/);
    const dsVar = dashboard.templating?.list.find((v) => v.name === 'datasource');
    expect(dsVar).toMatchObject({ type: 'datasource', query: 'prometheus' });
    const panels = allPanels(dashboard.panels);
    const ids = panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of panels) {
      expect(p.gridPos, `panel ${p.title}`).toBeDefined();
      expect(p.gridPos!.x + p.gridPos!.w, `panel ${p.title}`).toBeLessThanOrEqual(24);
      if (p.type === 'row') continue;
      expect(p.datasource, `panel ${p.title}`).toEqual({ type: 'prometheus', uid: '${datasource}' });
      for (const t of p.targets ?? []) expect(t.datasource, `panel ${p.title}`).toEqual({ type: 'prometheus', uid: '${datasource}' });
    }
    // No two panels (rows included) share a grid cell.
    const cells = new Map<string, string>();
    for (const p of panels) {
      const { x, y, w, h } = p.gridPos!;
      for (let cx = x; cx < x + w; cx++) {
        for (let cy = y; cy < y + h; cy++) {
          const key = `${cx},${cy}`;
          expect(cells.get(key), `panel "${p.title}" overlaps "${cells.get(key)}" at ${key}`).toBeUndefined();
          cells.set(key, p.title ?? String(p.id));
        }
      }
    }
    // No datasource uid from someone's Grafana baked in: only the variable.
    expect(dashboardText).not.toMatch(/"uid":\s*"(?!\$\{datasource\}|-- Grafana --|syslog-sentinel")/);
  });
});

describe('config/prometheus-scrape.yml', () => {
  it('scrapes job syslog-sentinel at 127.0.0.1:9514 every 15s', () => {
    const doc = parseYaml(readFileSync(scrapeFile, 'utf8')) as { global?: unknown; scrape_configs: { job_name: string; scrape_interval?: string; metrics_path?: string; static_configs: { targets: string[] }[] }[] };
    expect(doc.global).toBeDefined();
    const job = doc.scrape_configs.find((j) => j.job_name === 'syslog-sentinel');
    expect(job).toBeDefined();
    expect(job!.scrape_interval).toBe('15s');
    expect(job!.metrics_path ?? '/metrics').toBe('/metrics');
    expect(job!.static_configs.flatMap((s) => s.targets)).toEqual(['127.0.0.1:9514']);
    // The target is the port the shipped config serves /metrics on.
    expect(readFileSync(join(root, 'config', 'default.yaml'), 'utf8')).toMatch(/^http: \{ address: 127\.0\.0\.1, port: 9514 \}/m);
  });

  it.skipIf(!hasPromtool)('passes promtool check config (and promtool rejects a broken copy)', async () => {
    const ok = await run('promtool', ['check', 'config', scrapeFile]);
    expect(ok.stdout + ok.stderr).toMatch(/SUCCESS/);
    const broken = join(stateDir, 'broken-prometheus.yml');
    const text = readFileSync(scrapeFile, 'utf8');
    const doctored = text.replace('scrape_interval: 15s\n    scrape_timeout: 10s', 'scrape_interval: 5s\n    scrape_timeout: 10s'); // timeout > interval
    expect(doctored).not.toBe(text);
    writeFileSync(broken, doctored);
    await expect(run('promtool', ['check', 'config', broken])).rejects.toMatchObject({ code: 1 });
  });
});
