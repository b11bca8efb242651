/** The action_ids of the buttons on an incident message, shared by the renderer and the handlers. */
export const ACTION_ACK = 'incident_ack';
export const ACTION_MUTE_1H = 'incident_mute_1h';
export const ACTION_MUTE_24H = 'incident_mute_24h';
export const ACTION_UNMUTE = 'incident_unmute';
export const ACTIONS_BLOCK_ID = 'incident_actions';

export const MUTE_ACTIONS: Readonly<Record<string, number>> = {
  [ACTION_MUTE_1H]: 3_600_000,
  [ACTION_MUTE_24H]: 86_400_000,
};
