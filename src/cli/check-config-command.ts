import { loadConfigFile } from '../config/load.js';
import { ConfigError } from '../errors.js';
import type { CliIo } from './io.js';

/** `syslog-sentinel check-config FILE`: exit 0 and a summary, or exit 1 listing every problem with its path. */
export async function checkConfigCommand(args: readonly string[], io: CliIo): Promise<number> {
  const file = args[0];
  if (file === undefined || args.length > 1) {
    io.stderr.write('usage: syslog-sentinel check-config FILE\n');
    return 2;
  }
  try {
    const config = loadConfigFile(file);
    const listeners = config.listeners.map((l) => `${l.protocol} ${l.address}:${l.port}`).join(', ');
    io.stdout.write(`${file}: OK (listeners: ${listeners}; http ${config.http.address}:${config.http.port}; ${config.rules.length} rules)\n`);
    return 0;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    io.stderr.write(`${err.message}\n`);
    return 1;
  }
}
