#!/usr/bin/env node
/** Process edge: argv → command. Only this file and run-command.ts touch process.exit, signals and process.env. */
import { checkConfigCommand } from './cli/check-config-command.js';
import type { CliIo } from './cli/io.js';
import { parseCommand } from './cli/parse-command.js';
import { replayCommand } from './cli/replay-command.js';
import { runCommand } from './cli/run-command.js';
import { simulateCommand } from './cli/simulate-command.js';
import { VERSION } from './version.js';

const USAGE = `syslog-sentinel ${VERSION}

usage:
  syslog-sentinel [run] --config FILE [--port N]   run the appliance (default command)
  syslog-sentinel parse [FILE] [--timezone TZ] [--now ISO8601]
                                                   parse syslog lines (stdin without FILE) into JSON, one per line
  syslog-sentinel check-config FILE                validate a config file; exit 1 listing every error
  syslog-sentinel replay --config FILE [LOGFILE] [--lines] [--now ISO8601] [--sender ADDRESS]
                                                   run the rules offline over a log file (stdin without LOGFILE)
  syslog-sentinel simulate --target udp|tcp|tls://HOST:PORT --rate N --duration D --scenario mixed|ssh-burst|keyword
                  [--hosts N] [--seed N] [--format mixed|rfc3164|rfc5424] [--framing octet|lf] [--ca FILE] [--insecure] [--allow-remote]
                                                   send simulated syslog traffic (loopback only without --allow-remote)
  syslog-sentinel --version | --help
`;

async function main(argv: readonly string[]): Promise<number> {
  const io: CliIo = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };
  const [first, ...rest] = argv;
  switch (first) {
    case 'parse':
      return parseCommand(rest, io);
    case 'check-config':
      return checkConfigCommand(rest, io);
    case 'replay':
      return replayCommand(rest, io);
    case 'run':
      return runCommand(rest, io);
    case 'simulate': {
      // The first Ctrl-C ends the run early (the summary is still printed); a second one kills as usual.
      const interrupt = new AbortController();
      process.once('SIGINT', () => interrupt.abort());
      return simulateCommand(rest, io, interrupt.signal);
    }
    case '--version':
    case '-v':
      io.stdout.write(`${VERSION}\n`);
      return 0;
    case '--help':
    case '-h':
    case 'help':
      io.stdout.write(USAGE);
      return 0;
    case undefined:
      return runCommand([], io);
    default:
      if (first.startsWith('-')) return runCommand(argv, io);
      io.stderr.write(`unknown command "${first}"\n\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`syslog-sentinel: fatal: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 70;
  },
);
