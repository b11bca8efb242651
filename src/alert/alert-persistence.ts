/**
 * incidents.json and mutes.json in stateDir: loading them at start and writing them (debounced, atomic)
 * when the state changes. Each file stands alone: a corrupt incidents.json does not cost the mutes.
 */
import { join } from 'node:path';
import type { Logger } from '../log.js';
import type { IncidentRecord } from './incident-record.js';
import { StateFile, type StateProblem } from './state-file.js';
import { IncidentsDocumentSchema, MutesDocumentSchema, STATE_VERSION, type IncidentsDocument, type MutesDocument } from './state-schema.js';
import { StateWriter } from './state-writer.js';
import type { Mute } from './types.js';

export const INCIDENTS_FILE = 'incidents.json';
export const MUTES_FILE = 'mutes.json';

export interface LoadedState {
  /** null: the file was missing or corrupt. */
  readonly incidents: readonly IncidentRecord[] | null;
  readonly mutes: readonly Mute[] | null;
  /** Corrupt files that were moved aside (each also logged at error level). */
  readonly problems: readonly StateProblem[];
}

export interface AlertPersistenceOptions {
  readonly stateDir: string;
  readonly log: Logger;
  readonly now: () => number;
  readonly minWriteIntervalMs: number;
  readonly incidents: () => readonly IncidentRecord[];
  readonly mutes: () => readonly Mute[];
  readonly onWriteError: () => void;
}

export class AlertPersistence {
  readonly #incidentsFile: StateFile<IncidentsDocument>;
  readonly #mutesFile: StateFile<MutesDocument>;
  readonly #incidentsWriter: StateWriter<IncidentsDocument>;
  readonly #mutesWriter: StateWriter<MutesDocument>;

  constructor(options: AlertPersistenceOptions) {
    const { log, now } = options;
    this.#incidentsFile = new StateFile(join(options.stateDir, INCIDENTS_FILE), IncidentsDocumentSchema, log, now);
    this.#mutesFile = new StateFile(join(options.stateDir, MUTES_FILE), MutesDocumentSchema, log, now);
    const common = { minIntervalMs: options.minWriteIntervalMs, log, onError: options.onWriteError };
    this.#incidentsWriter = new StateWriter({
      ...common,
      file: this.#incidentsFile,
      snapshot: () => ({ version: STATE_VERSION, savedAt: now(), incidents: [...options.incidents()] }),
    });
    this.#mutesWriter = new StateWriter({
      ...common,
      file: this.#mutesFile,
      snapshot: () => ({ version: STATE_VERSION, savedAt: now(), mutes: [...options.mutes()] }),
    });
  }

  /** Throws StateFileError when a file exists but cannot be read (an environment fault, fatal at start). */
  async load(): Promise<LoadedState> {
    const problems: StateProblem[] = [];
    const incidents = await this.#incidentsFile.load();
    const mutes = await this.#mutesFile.load();
    if (incidents.status === 'corrupt') problems.push(incidents.problem);
    if (mutes.status === 'corrupt') problems.push(mutes.problem);
    return {
      incidents: incidents.status === 'ok' ? incidents.value.incidents : null,
      mutes: mutes.status === 'ok' ? mutes.value.mutes : null,
      problems,
    };
  }

  incidentsChanged(): void {
    this.#incidentsWriter.markDirty();
  }

  mutesChanged(): void {
    this.#mutesWriter.markDirty();
  }

  /** Writes whatever changed, now, and waits. Never rejects (write failures are logged and counted). */
  async flush(): Promise<void> {
    await Promise.all([this.#incidentsWriter.flush(), this.#mutesWriter.flush()]);
  }
}
