import type { IncidentEvent, IncidentEventType, Notifier } from '../../src/alert/types.js';

/**
 * A Notifier that records what it is given. `failWith` makes notify() throw; `ref` is returned from notify();
 * `hold()` parks deliveries until `release()`, to test queueing.
 */
export class RecordingNotifier implements Notifier {
  readonly events: IncidentEvent[] = [];
  failWith: unknown = null;
  ref: ((e: IncidentEvent) => Record<string, string> | undefined) | null = null;
  #gate: Promise<void> | null = null;
  #open: (() => void) | null = null;

  constructor(readonly name = 'recording') {}

  async notify(event: IncidentEvent): Promise<Record<string, string> | void> {
    if (this.#gate !== null) await this.#gate;
    this.events.push(event);
    if (this.failWith !== null) throw this.failWith;
    return this.ref?.(event);
  }

  hold(): void {
    this.#gate ??= new Promise((resolve) => (this.#open = resolve));
  }

  release(): void {
    this.#open?.();
    this.#gate = null;
    this.#open = null;
  }

  /** Event types in delivery order, optionally for one incident. */
  types(incidentId?: string): IncidentEventType[] {
    return this.events.filter((e) => incidentId === undefined || e.incident.id === incidentId).map((e) => e.event);
  }
}
