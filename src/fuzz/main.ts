/**
 * `npm run fuzz`: bad input over UDP and TCP against the built appliance, then one line, `fuzz: PASS (...)` or
 * `fuzz: FAIL (reason)`, and exit code 0 or 1 (2 for bad flags). Everything it starts is stopped by pid on the
 * way out, SIGINT included.
 */
import { writeFileSync } from 'node:fs';
import { killAllChildrenNow, stopAllChildren } from '../harness/children.js';
import { USAGE, parseFuzzArgs, type FuzzOptions } from './options.js';
import { resultJson, summaryLines } from './report.js';
import { runFuzz } from './run.js';

async function main(argv: readonly string[]): Promise<number> {
  let options: FuzzOptions | null;
  try {
    options = parseFuzzArgs(argv);
  } catch (err) {
    process.stderr.write(`fuzz: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
  if (options === null) {
    process.stdout.write(USAGE);
    return 0;
  }
  const progress = (line: string): void => void process.stderr.write(`fuzz: ${line}\n`);
  let result;
  try {
    result = await runFuzz(options, progress);
  } catch (err) {
    process.stdout.write(`fuzz: FAIL (${err instanceof Error ? err.message.split('\n')[0] : String(err)})\n`);
    if (err instanceof Error && err.message.includes('\n')) process.stderr.write(`${err.message}\n`);
    return 1;
  }
  process.stdout.write(`${summaryLines(options, result).join('\n')}\n`);
  if (options.jsonFile !== null) writeFileSync(options.jsonFile, resultJson(options, result));
  process.stdout.write(`${result.verdict.line}\n`);
  return result.verdict.pass ? 0 : 1;
}

process.once('SIGINT', () => {
  void stopAllChildren(2000).then(() => process.exit(130));
});
process.once('exit', killAllChildrenNow);

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stdout.write(`fuzz: FAIL (${err instanceof Error ? err.message : String(err)})\n`);
    process.exitCode = 1;
  },
);
