/**
 * A notifier whose implementation is attached at start: the Slack app (Bolt and its dependencies, about
 * 34 MB of heap and code) is imported only when notify.slack is configured, and only then, while the alert
 * manager needs its notifier list when it is built. No event reaches it before start (the alert manager gets
 * no signal before the listeners run).
 */
import { NotifyError, type IncidentEvent, type Notifier } from '../alert/types.js';

export class DeferredNotifier implements Notifier {
  #target: Notifier | null = null;

  constructor(readonly name: string) {}

  attach(target: Notifier): void {
    if (target.name !== this.name) throw new Error(`notifier ${target.name} attached where ${this.name} was expected`);
    this.#target = target;
  }

  notify(event: IncidentEvent): ReturnType<Notifier['notify']> {
    if (this.#target === null) return Promise.reject(new NotifyError(`${this.name}: not started`, false));
    return this.#target.notify(event);
  }
}
