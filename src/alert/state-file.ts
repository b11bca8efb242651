/**
 * One JSON state file in stateDir, written atomically and validated on load.
 * Write: temp file in the same directory → write → fsync → rename over the target → fsync the directory, so
 * a crash leaves either the old file or the new one, never a partial one (leftover temp files are removed at
 * load). Load: a missing file is a fresh start; unreadable JSON or a wrong shape is moved aside to
 * `<name>.corrupt-<timestamp>`, logged at error level and reported to the caller, never silently reset.
 */
import { mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { z } from 'zod';
import { AppError } from '../errors.js';
import type { Logger } from '../log.js';

export type LoadOutcome<T> =
  | { readonly status: 'ok'; readonly value: T }
  | { readonly status: 'missing' }
  | { readonly status: 'corrupt'; readonly problem: StateProblem };

/** A state file that could not be used: what was wrong and where the bad file went. */
export interface StateProblem {
  readonly file: string;
  readonly movedTo: string;
  readonly reason: string;
}

/** The state directory or a file in it cannot be read or written (permissions, disk): an environment fault. */
export class StateFileError extends AppError {
  constructor(message: string, readonly file: string, options?: { cause?: unknown }) {
    super('STATE_FILE', message, options);
  }
}

export class StateFile<T> {
  readonly #dir: string;
  readonly #name: string;
  #seq = 0;

  constructor(
    readonly path: string,
    private readonly schema: z.ZodType<T>,
    private readonly log: Logger,
    private readonly now: () => number,
  ) {
    this.#dir = dirname(path);
    this.#name = basename(path);
  }

  /** Reads and validates the file. Throws StateFileError only when the file exists but cannot be read. */
  async load(): Promise<LoadOutcome<T>> {
    await this.#removeTempFiles();
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { status: 'missing' };
      throw new StateFileError(`cannot read ${this.path}: ${(err as Error).message}`, this.path, { cause: err });
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (err) {
      return this.#moveAside(`not valid JSON: ${(err as Error).message}`);
    }
    const parsed = this.schema.safeParse(raw);
    if (!parsed.success) {
      const reason = parsed.error.issues
        .slice(0, 5)
        .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
        .join('; ');
      return this.#moveAside(`wrong shape: ${reason}`);
    }
    return { status: 'ok', value: parsed.data };
  }

  /** Replaces the file atomically with `data`. Throws StateFileError; the temp file never stays behind. */
  async write(data: string): Promise<void> {
    const tmp = join(this.#dir, `${this.#name}.tmp-${process.pid}-${++this.#seq}`);
    try {
      await mkdir(this.#dir, { recursive: true });
      const fh = await open(tmp, 'w', 0o600);
      try {
        await fh.writeFile(data, 'utf8');
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, this.path);
    } catch (err) {
      await unlink(tmp).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== 'ENOENT') this.log.warn({ err: e, file: tmp }, 'could not remove temporary state file');
      });
      throw new StateFileError(`cannot write ${this.path}: ${(err as Error).message}`, this.path, { cause: err });
    }
    await this.#syncDir();
  }

  async #moveAside(reason: string): Promise<LoadOutcome<T>> {
    const stamp = new Date(this.now()).toISOString().replace(/:/g, '-');
    const movedTo = `${this.path}.corrupt-${stamp}`;
    try {
      await rename(this.path, movedTo);
    } catch (err) {
      throw new StateFileError(`${this.path} is corrupt (${reason}) and could not be moved aside: ${(err as Error).message}`, this.path, { cause: err });
    }
    const problem: StateProblem = { file: this.path, movedTo, reason };
    this.log.error(problem, 'state file is corrupt: moved aside, starting without its content');
    return { status: 'corrupt', problem };
  }

  /** Makes the rename durable. Some file systems cannot fsync a directory; that is not an error. */
  async #syncDir(): Promise<void> {
    let dh;
    try {
      dh = await open(this.#dir, 'r');
      await dh.sync();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EINVAL' && code !== 'EISDIR' && code !== 'EPERM' && code !== 'ENOTSUP') {
        throw new StateFileError(`cannot sync ${this.#dir}: ${(err as Error).message}`, this.path, { cause: err });
      }
    } finally {
      await dh?.close();
    }
  }

  /** Temp files of a write interrupted by a crash: the target file is intact, they are garbage. */
  async #removeTempFiles(): Promise<void> {
    let names: string[];
    try {
      names = await readdir(this.#dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw new StateFileError(`cannot list ${this.#dir}: ${(err as Error).message}`, this.path, { cause: err });
    }
    for (const n of names) {
      if (!n.startsWith(`${this.#name}.tmp-`)) continue;
      await unlink(join(this.#dir, n));
      this.log.warn({ file: join(this.#dir, n) }, 'removed a temporary state file left by an interrupted write');
    }
  }
}
