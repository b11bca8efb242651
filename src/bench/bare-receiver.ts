/** The "bare Node" column: starts bare-counter.ts as its own process and asks it for counts over IPC. */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BareCounterReply, BareCounterRequest } from './bare-counter.js';
import { stopChild, track } from '../harness/children.js';
import type { Receiver, ReceiverCounts, ReceiverKind, ReceiverStartOptions } from './receiver.js';

class BareReceiver implements Receiver {
  readonly name = 'bare Node (dgram + net counter)';
  readonly streamFramings = ['lf'] as const;
  readonly countTiming = 'live';
  readonly #child: ChildProcess;
  readonly #waiting: ((c: ReceiverCounts) => void)[] = [];

  constructor(
    child: ChildProcess,
    readonly udpPort: number,
    readonly tcpPort: number,
    readonly udpReceiveBufferBytes: number | null,
  ) {
    this.#child = child;
    child.on('message', (m: BareCounterReply) => {
      if (m.type === 'counts') this.#waiting.shift()?.({ udp: m.udp, tcp: m.tcp });
    });
  }

  get pid(): number {
    return this.#child.pid ?? -1;
  }

  counts(): Promise<ReceiverCounts> {
    return new Promise((resolve, reject) => {
      if (!this.#child.connected) {
        reject(new Error('bare counter is not running'));
        return;
      }
      this.#waiting.push(resolve);
      this.#child.send({ type: 'counts' } satisfies BareCounterRequest);
    });
  }

  latency(): Promise<null> {
    return Promise.resolve(null);
  }

  details(): Promise<Record<string, number>> {
    return Promise.resolve({});
  }

  stop(): Promise<void> {
    return stopChild(this.#child, 2000);
  }
}

export const bareReceiver: ReceiverKind = {
  id: 'bare',
  start(options: ReceiverStartOptions): Promise<Receiver> {
    const script = fileURLToPath(new URL('./bare-counter.js', import.meta.url));
    const child = fork(script, [String(options.udpReceiveBufferBytes)], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      execArgv: [...(options.nodeArgs ?? [])],
      serialization: 'json',
    });
    track(child);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        void stopChild(child);
        reject(new Error('bare counter did not start within 15 s'));
      }, 15_000);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`bare counter exited during start (code ${code})`));
      });
      child.once('message', (m: BareCounterReply) => {
        clearTimeout(timer);
        if (m.type !== 'ready') {
          reject(new Error('bare counter: unexpected first message'));
          return;
        }
        // Linux reports SO_RCVBUF doubled (bookkeeping overhead); half is what datagrams can use.
        const usable = process.platform === 'linux' ? Math.floor(m.rcvbufReported / 2) : m.rcvbufReported;
        resolve(new BareReceiver(child, m.udpPort, m.tcpPort, usable));
      });
    });
  },
};
