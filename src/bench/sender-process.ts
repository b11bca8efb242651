/**
 * The load generator as the orchestrator sees it: a separate Node process (sender.ts), started once, that runs
 * one job at a time on request over the IPC channel. The jobs and results are defined here.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { hasExited, stopChild, track } from '../harness/children.js';

export interface UdpJob {
  readonly kind: 'udp';
  readonly port: number;
  /** Target rate, messages per second. */
  readonly rate: number;
  readonly count: number;
  /** Send one burst per timer tick of this many ms. */
  readonly tickMs: number;
}

export interface TcpJob {
  readonly kind: 'tcp';
  readonly port: number;
  readonly framing: 'lf' | 'octet';
  readonly count: number;
}

export type SenderJob = UdpJob | TcpJob;

export interface UdpJobResult {
  readonly kind: 'udp';
  readonly sent: number;
  /** Messages per second actually put on the socket (between the first and the last burst). */
  readonly achievedRate: number;
  readonly startedAt: number;
  readonly endedAt: number;
  /** send() calls that threw or reported an error (EAGAIN queueing is not an error). */
  readonly sendErrors: number;
  /** Messages sent that contain "Invalid user" (INVALID_USER_TEXT). */
  readonly invalidUserLines: number;
}

export interface TcpJobResult {
  readonly kind: 'tcp';
  readonly sent: number;
  readonly bytes: number;
  /** Epoch ms (sub-ms) just before the first write. */
  readonly firstByteAt: number;
  /** Epoch ms when the last byte was handed to the kernel ('finish'). */
  readonly writtenAt: number;
  /** Messages sent that contain "Invalid user" (INVALID_USER_TEXT). */
  readonly invalidUserLines: number;
}

/** What the sender has sent so far, over every job. */
export interface SentTotals {
  readonly messages: number;
  readonly invalidUserLines: number;
}

export type SenderResult = UdpJobResult | TcpJobResult;

export type SenderRequest = { readonly id: number; readonly job: SenderJob };
export type SenderReply =
  | { readonly type: 'ready'; readonly distinctMessages: number; readonly meanBytes: number; readonly kinds: Readonly<Record<string, number>> }
  | { readonly type: 'result'; readonly id: number; readonly result: SenderResult }
  | { readonly type: 'error'; readonly id: number; readonly message: string };

export interface SenderInfo {
  readonly distinctMessages: number;
  readonly meanBytes: number;
  readonly kinds: Readonly<Record<string, number>>;
}

export class SenderProcess {
  readonly #child: ChildProcess;
  readonly #pending = new Map<number, { resolve: (r: SenderResult) => void; reject: (e: Error) => void }>();
  #nextId = 1;
  #exitError: Error | null = null;
  #totals: SentTotals = { messages: 0, invalidUserLines: 0 };

  private constructor(child: ChildProcess) {
    this.#child = child;
    child.on('message', (m: SenderReply) => {
      if (m.type === 'ready') return;
      const p = this.#pending.get(m.id);
      if (!p) return;
      this.#pending.delete(m.id);
      if (m.type === 'result') {
        this.#totals = { messages: this.#totals.messages + m.result.sent, invalidUserLines: this.#totals.invalidUserLines + m.result.invalidUserLines };
        p.resolve(m.result);
      }
      else p.reject(new Error(`sender: ${m.message}`));
    });
    child.once('exit', (code, signal) => {
      this.#exitError = new Error(`sender process exited (code ${code}, signal ${signal})`);
      for (const p of this.#pending.values()) p.reject(this.#exitError);
      this.#pending.clear();
    });
  }

  get totals(): SentTotals {
    return this.#totals;
  }

  get pid(): number {
    return this.#child.pid ?? -1;
  }

  static start(): Promise<{ sender: SenderProcess; info: SenderInfo }> {
    const script = fileURLToPath(new URL('./sender.js', import.meta.url));
    const child = fork(script, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'json' });
    track(child);
    const sender = new SenderProcess(child);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('sender did not start within 20 s')), 20_000);
      child.once('exit', () => {
        clearTimeout(timer);
        reject(new Error('sender process exited during start'));
      });
      child.once('message', (m: SenderReply) => {
        clearTimeout(timer);
        if (m.type === 'ready') resolve({ sender, info: { distinctMessages: m.distinctMessages, meanBytes: m.meanBytes, kinds: m.kinds } });
        else reject(new Error('sender: unexpected first message'));
      });
    });
  }

  run(job: UdpJob): Promise<UdpJobResult>;
  run(job: TcpJob): Promise<TcpJobResult>;
  run(job: SenderJob): Promise<SenderResult> {
    if (this.#exitError !== null || hasExited(this.#child)) return Promise.reject(this.#exitError ?? new Error('sender is not running'));
    const id = this.#nextId++;
    return new Promise<SenderResult>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      const request: SenderRequest = { id, job };
      this.#child.send(request);
    });
  }

  stop(): Promise<void> {
    return stopChild(this.#child, 2000);
  }
}
