/**
 * The parent's handle on one server child (bench/rest-server.ts): started with fork() from the
 * built file next to this one, spoken to over IPC, one request at a time.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FromChild, ServerKind, ToChild } from './rest-protocol.js';

const SERVER_SCRIPT = fileURLToPath(new URL('./rest-server.js', import.meta.url));
const START_TIMEOUT_MS = 30_000;

export class ServerChild {
  private readonly waiters: Array<{ resolve(m: FromChild): void; reject(e: Error): void }> = [];
  private readonly exited: Promise<void>;
  private exitReason: string | undefined;

  private constructor(
    private readonly child: ChildProcess,
    readonly kind: ServerKind,
  ) {
    child.on('message', (m: FromChild) => this.waiters.shift()?.resolve(m));
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitReason = `${kind} server exited (${code ?? signal})`;
        for (const w of this.waiters.splice(0)) w.reject(new Error(this.exitReason));
        resolve();
      });
    });
  }

  /** `execArgv`: node flags for the child, e.g. --cpu-prof (the parent's own are not inherited). */
  static async start(kind: ServerKind, args: readonly string[], execArgv: readonly string[] = []): Promise<{ child: ServerChild; url: string }> {
    const proc = fork(SERVER_SCRIPT, [kind, ...args], { execArgv: [...execArgv], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const child = new ServerChild(proc, kind);
    const timer = setTimeout(() => proc.kill('SIGKILL'), START_TIMEOUT_MS);
    try {
      const ready = await child.next();
      if (ready.type !== 'ready') throw new Error(`${kind} server failed to start: ${JSON.stringify(ready)}`);
      return { child, url: ready.url };
    } catch (e) {
      await child.stop();
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }

  async request(message: ToChild): Promise<FromChild> {
    const reply = this.next();
    this.child.send(message);
    const m = await reply;
    if (m.type === 'error') throw new Error(`${this.kind} server: ${m.message}`);
    return m;
  }

  /** Asks for a clean exit (profiles get written); kills the child if it has not gone in 10 s. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    if (this.child.connected) this.child.send({ type: 'stop' } satisfies ToChild);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(timer);
  }

  private next(): Promise<FromChild> {
    if (this.exitReason !== undefined) return Promise.reject(new Error(this.exitReason));
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }
}
