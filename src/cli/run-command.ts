import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Registry } from 'prom-client';
import { createApp } from '../app.js';
import { loadConfigFile } from '../config/load.js';
import { AppError, BindError, ConfigError } from '../errors.js';
import { createLogger } from '../log.js';
import type { CliIo } from './io.js';

const DEFAULT_CONFIG_PATHS = ['/etc/syslog-sentinel/config.yaml', 'config/default.yaml'];

/**
 * `syslog-sentinel run --config FILE [--port N]`. Startup failures (bad config, bind error) print one plain line
 * and exit 1 so systemd and Docker see them; SIGTERM/SIGINT stop gracefully; SIGHUP reloads the config file.
 */
export async function runCommand(args: readonly string[], io: CliIo): Promise<number> {
  let values: { config?: string; port?: string };
  try {
    ({ values } = parseArgs({ args: [...args], options: { config: { type: 'string', short: 'c' }, port: { type: 'string', short: 'p' } }, strict: true }));
  } catch (err) {
    io.stderr.write(`syslog-sentinel run: ${(err as Error).message}\nusage: syslog-sentinel run --config FILE [--port N]\n`);
    return 2;
  }
  const file = values.config ?? process.env.SYSLOG_SENTINEL_CONFIG ?? DEFAULT_CONFIG_PATHS.find((p) => existsSync(p));
  if (file === undefined) {
    io.stderr.write(`syslog-sentinel run: no config file (give --config FILE; looked for ${DEFAULT_CONFIG_PATHS.join(', ')})\n`);
    return 2;
  }
  let portOverride: number | undefined;
  if (values.port !== undefined) {
    portOverride = Number(values.port);
    if (!/^\d+$/.test(values.port) || portOverride < 1 || portOverride > 65535) {
      io.stderr.write(`syslog-sentinel run: --port must be a port number 1-65535, got "${values.port}"\n`);
      return 2;
    }
  }

  let config;
  try {
    config = loadConfigFile(file, { portOverride });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    io.stderr.write(`syslog-sentinel: ${err.message}\n`);
    return 1;
  }

  const log = createLogger(config.log.level);
  const app = createApp(config, { log, registry: new Registry() });
  try {
    await app.start();
  } catch (err) {
    await app.stop().catch(() => undefined);
    if (err instanceof BindError || err instanceof AppError) {
      log.flush();
      io.stderr.write(`syslog-sentinel: ${err.message}\n`);
      return 1;
    }
    throw err;
  }

  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      log.info({ signal }, 'stopping');
      app.stop().then(
        () => {
          log.info('stopped');
          log.flush();
          resolve(0);
        },
        (err: unknown) => {
          log.error({ err }, 'error while stopping');
          log.flush();
          resolve(1);
        },
      );
    };
    const reload = () => {
      try {
        app.reload(loadConfigFile(file, { portOverride }));
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        app.reloadFailed(err);
      }
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    process.on('SIGHUP', reload);
  });
}
