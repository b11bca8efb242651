/** What Slack's buttons and command may do to the alert manager (AlertManager implements it). */
import type { AckResult, Incident, Mute, MuteInput, MuteResult, MuteView } from '../../alert/types.js';

export interface AlertControl {
  acknowledge(incidentId: string, by: string): AckResult;
  mute(input: MuteInput): MuteResult;
  unmute(id: string): Mute | null;
  mutes(): MuteView[];
  openIncidents(): Incident[];
  incident(id: string): Incident | undefined;
  muteFor(incident: Pick<Incident, 'rule' | 'key'>): Mute | undefined;
}

/** Figures for `/syslog status`. */
export interface StatusSource {
  /** Messages received since start. */
  receivedTotal(): number;
  /** Messages per second over about the last minute, or null before there is a minute of history. */
  messagesPerSecond(): number | null;
  /** The names of the configured rules (a `rule=` matcher must name one of them). */
  ruleNames(): readonly string[];
}

/** Re-renders incident messages after a change made from Slack. */
export interface MessageRefresher {
  refresh(incidentId: string): void;
}

/** The open incidents whose message shows this mute now (so they are re-rendered after it changes). */
export function incidentsMutedBy(control: AlertControl, muteId: string): Incident[] {
  return control.openIncidents().filter((i) => control.muteFor(i)?.id === muteId);
}
