/**
 * Connections cut mid-frame with a reset (SO_LINGER 0), one at a time after the main traffic: each is reset only
 * once the appliance has accepted it (its connections_opened_total went up), because a connection reset while it
 * still waits in the listen backlog has lost its peer address (the appliance reads it as from sender "unknown"), and
 * the accounting here matches frames to connections.
 * Once accepted, every byte written before the reset is read, whether the kernel then reports an error or an end
 * of stream, and the plan cuts inside an octet-counted body, where both mean the same: truncated.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Random } from '../simulate/prng.js';
import { NO_TCP, addExpectations, type TcpExpectation } from './accounting.js';
import { planStream } from './stream-plan.js';
import type { PhaseResult } from './tcp-phases.js';
import { sendStream } from './tcp-sender.js';

export interface ResetPhaseOptions {
  readonly port: number;
  readonly connections: number;
  readonly seed: number;
  readonly maxFrameBytes: number;
  /** The appliance's syslog_connections_opened_total{transport="tcp"}. */
  readonly openedConnections: () => Promise<number>;
  readonly timeoutMs: number;
}

export async function resetPhase(options: ResetPhaseOptions): Promise<PhaseResult> {
  const rng = new Random(options.seed * 31 + 7);
  const errors: string[] = [];
  let expected = NO_TCP;
  for (let i = 0; i < options.connections; i++) {
    const plan = planStream(rng, { payloads: rng.int(1, 40), maxFrameBytes: options.maxFrameBytes, ending: 'rst' });
    const before = await options.openedConnections();
    const accepted = async (): Promise<void> => {
      const deadline = Date.now() + options.timeoutMs;
      while ((await options.openedConnections()) <= before) {
        if (Date.now() > deadline) throw new Error(`the appliance did not accept a connection within ${options.timeoutMs} ms`);
        await sleep(10);
      }
    };
    try {
      await sendStream(options.port, plan, options.timeoutMs, accepted);
    } catch (err) {
      errors.push(`reset phase: ${err instanceof Error ? err.message : String(err)}`);
      continue;
    }
    expected = addExpectations(expected, {
      ...NO_TCP,
      frames: plan.expected.frames,
      frameBytes: plan.expected.frameBytes,
      drops: plan.expected.drops,
      connections: 1,
      finConnections: plan.ending === 'rst' ? 0 : 1,
      rstConnections: plan.ending === 'rst' ? 1 : 0,
    });
  }
  return { expected, errors };
}
