/**
 * A throwaway rsyslogd in the foreground for end-to-end tests: its own config, work directory and pid file in a
 * temporary directory, no system sockets (no imuxsock, no imklog), loopback only. Inputs are imtcp listeners on
 * port 0 whose bound ports rsyslogd writes to `listenPortFileName` files, so tests never guess free ports.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { eventually } from './appliance-process.js';

const run = promisify(execFile);

export interface RsyslogdBinary {
  readonly path: string;
  /** `rsyslogd -v`'s first line, e.g. `rsyslogd  8.2302.0 (aka 2023.02) compiled with:`. */
  readonly version: string;
}

/**
 * rsyslogd from PATH, else from /usr/sbin or /sbin (not on a normal user's PATH on Debian); null when it is not
 * installed or does not run.
 */
export async function findRsyslogd(): Promise<RsyslogdBinary | null> {
  for (const path of ['rsyslogd', '/usr/sbin/rsyslogd', '/sbin/rsyslogd']) {
    try {
      const { stdout } = await run(path, ['-v']);
      return { path, version: stdout.split('\n')[0]!.replace(/\s+/g, ' ').replace(/ compiled with:$/, '').trim() };
    } catch {
      // next candidate
    }
  }
  return null;
}

export interface RsyslogdInput {
  /** Input name; also the name of the port file. */
  readonly name: string;
  /** The ruleset this input's messages go to (defined in `rulesets`). */
  readonly ruleset: string;
}

export interface RsyslogdSetup {
  readonly inputs: readonly RsyslogdInput[];
  /** RainerScript ruleset definitions, e.g. `ruleset(name="x") { action(type="omfwd" ...) }`. */
  readonly rulesets: string;
}

export interface RunningRsyslogd {
  readonly dir: string;
  readonly configFile: string;
  readonly child: ChildProcess;
  /** The bound port of each imtcp input, by input name. */
  readonly ports: ReadonlyMap<string, number>;
  /** rsyslogd's stderr so far, its internal messages file and its exit status: for failure messages. */
  diagnostics(): string;
  /** Writes LF-terminated lines to an input over one TCP connection and resolves once it is closed. */
  send(input: string, lines: readonly string[]): Promise<void>;
  /** SIGTERM, SIGKILL after 5 s; removes the temporary directory. Safe to call more than once. */
  stop(): Promise<void>;
}

/**
 * The whole config file. Internal messages (start-up, errors) are processed by this rsyslogd itself and written
 * to a file in its directory, instead of going to the system log socket.
 */
export function rsyslogdConfig(dir: string, setup: RsyslogdSetup): string {
  const inputs = setup.inputs.map(
    (i) => `input(type="imtcp" name="${i.name}" address="127.0.0.1" port="0" listenPortFileName="${join(dir, `${i.name}.port`)}" ruleset="${i.ruleset}")`,
  );
  return [
    '# throwaway rsyslogd for a syslog-sentinel end-to-end test: no imuxsock, no imklog, loopback only',
    `global(workDirectory="${join(dir, 'work')}" processInternalMessages="on")`,
    'module(load="imtcp")',
    ...inputs,
    `*.* action(type="omfile" file="${join(dir, 'internal.log')}")`,
    setup.rulesets,
    '',
  ].join('\n');
}

/**
 * Validates the config (`rsyslogd -N1`), starts `rsyslogd -n` and waits until every input has written its port.
 * Throws with rsyslogd's output when any step fails (and cleans up after itself).
 */
export async function startRsyslogd(binary: RsyslogdBinary, setup: RsyslogdSetup, timeoutMs = 15_000): Promise<RunningRsyslogd> {
  const dir = mkdtempSync(join(tmpdir(), 'sentinel-rsyslogd-'));
  mkdirSync(join(dir, 'work'));
  const configFile = join(dir, 'rsyslog.conf');
  writeFileSync(configFile, rsyslogdConfig(dir, setup));

  const check = await run(binary.path, ['-N1', '-f', configFile]).then(
    () => null,
    (err: { code?: unknown; stdout?: string; stderr?: string }) => `exit ${String(err.code)}\n${err.stdout ?? ''}${err.stderr ?? ''}`,
  );
  if (check !== null) {
    const message = `rsyslogd -N1 rejected the config:\n${check}\nconfig:\n${readFileSync(configFile, 'utf8')}`;
    rmSync(dir, { recursive: true, force: true });
    throw new Error(message);
  }

  const child = spawn(binary.path, ['-n', '-f', configFile, '-i', join(dir, 'rsyslogd.pid')], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  let exitStatus: string | null = null;
  let spawnError: Error | null = null;
  child.on('error', (err) => (spawnError = err));
  const exited = new Promise<void>((resolve) =>
    child.on('close', (code, signal) => {
      exitStatus = signal === null ? `exit code ${String(code)}` : `signal ${signal}`;
      resolve();
    }),
  );

  const diagnostics = (): string => {
    const internal = join(dir, 'internal.log');
    return [
      `rsyslogd ${exitStatus === null ? 'still running' : `exited (${exitStatus})`}${spawnError === null ? '' : `, spawn error: ${(spawnError as Error).message}`}`,
      `--- rsyslogd stdout/stderr ---\n${output || '(empty)'}`,
      `--- rsyslogd internal messages (${internal}) ---\n${existsSync(internal) ? readFileSync(internal, 'utf8') || '(empty)' : '(no file)'}`,
    ].join('\n');
  };

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (!stopped) {
      stopped = true;
      if (exitStatus === null && spawnError === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const ports = new Map<string, number>();
  try {
    await eventually(
      () => {
        if (exitStatus !== null || spawnError !== null) throw new Error('rsyslogd stopped during start-up');
        for (const input of setup.inputs) {
          const file = join(dir, `${input.name}.port`);
          const port = existsSync(file) ? Number.parseInt(readFileSync(file, 'utf8'), 10) : Number.NaN;
          if (!(port > 0)) return false;
          ports.set(input.name, port);
        }
        return true;
      },
      timeoutMs,
      'rsyslogd to write its input port files',
    );
  } catch (err) {
    const message = `${(err as Error).message}\n${diagnostics()}`;
    await stop();
    throw new Error(message);
  }

  const send = (input: string, lines: readonly string[]): Promise<void> =>
    new Promise((resolve, reject) => {
      const port = ports.get(input);
      if (port === undefined) return reject(new Error(`no rsyslogd input named ${input}`));
      const socket = connect(port, '127.0.0.1', () => socket.end(lines.map((l) => `${l}\n`).join('')));
      socket.on('error', reject);
      socket.on('close', () => resolve());
    });

  return { dir, configFile, child, ports, diagnostics, send, stop };
}
