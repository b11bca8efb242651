/**
 * `npm run load`: the load and fault script. Runs each scenario against the real appliance on loopback and
 * prints one `PASS|FAIL name: figures` line per scenario, then `load: PASS (7/7 scenarios)` or
 * `load: FAIL (...)`; exit 0 on PASS, 1 on FAIL, 2 on a usage error. Progress goes to stderr.
 */
import { writeFileSync } from 'node:fs';
import { killAppliances } from './appliance.js';
import { backpressureScenario } from './backpressure.js';
import { connectionsScenario } from './connections.js';
import { kill9Scenario } from './kill9.js';
import { parseLoadOptions, USAGE, type ScenarioName } from './options.js';
import { runScenario, type Scenario } from './scenario.js';
import { sigtermScenario } from './sigterm.js';
import { slackOutageScenario } from './slack-outage.js';
import { slowlorisScenario } from './slowloris.js';
import { spoofedHostsScenario } from './spoofed-hosts.js';
import { failedResult, resultLine, verdict, type ScenarioResult } from './verdict.js';

const SCENARIOS: Readonly<Record<ScenarioName, Scenario>> = {
  connections: connectionsScenario,
  slowloris: slowlorisScenario,
  backpressure: backpressureScenario,
  'spoofed-hosts': spoofedHostsScenario,
  sigterm: sigtermScenario,
  kill9: kill9Scenario,
  'slack-outage': slackOutageScenario,
};

async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseLoadOptions(argv);
  if (!parsed.ok) {
    if (parsed.help) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    process.stderr.write(`load: ${parsed.error}\n${USAGE}\n`);
    return 2;
  }
  const options = parsed.options;
  const note = (text: string): void => void process.stderr.write(`${new Date().toISOString().slice(11, 23)} ${text}\n`);
  const deadline = Date.now() + options.timeoutMs;
  note(`load: ${options.quick ? 'quick' : 'full'} run of ${options.scenarios.join(', ')}; Slack outage ${options.slackOutageMs / 1000} s; time limit ${Math.round(options.timeoutMs / 1000)} s`);

  const results: ScenarioResult[] = [];
  for (const name of options.scenarios) {
    const remaining = deadline - Date.now();
    const result =
      remaining <= 0
        ? failedResult(name, 'not started: the run reached its --timeout', 0)
        : await runScenario(SCENARIOS[name], { quick: options.quick, slackOutageMs: options.slackOutageMs, timeoutMs: remaining, note });
    results.push(result);
    process.stdout.write(`${resultLine(result)}\n`);
  }
  const final = verdict(results, options.scenarios);
  process.stdout.write(`${final.line}\n`);
  if (options.jsonFile !== null) {
    const doc = { quick: options.quick, slackOutageMs: options.slackOutageMs, verdict: final.line, ok: final.ok, scenarios: results };
    writeFileSync(options.jsonFile, `${JSON.stringify(doc, null, 2)}\n`);
  }
  return final.ok ? 0 : 1;
}

// Whatever ends this process, no appliance it started outlives it.
process.on('exit', killAppliances);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killAppliances();
    process.stderr.write(`load: interrupted by ${signal}\n`);
    process.exit(130);
  });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`load: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
