/**
 * An ArenaServer on its own worker thread, for `paperclip bots` without `--server`. Sharing one
 * event loop with a hundred bots, the server's ticks waited behind the bots' work and every RTT
 * the bots measured included that wait; on a thread of its own it is scheduled like a separate
 * process would be, and the two cores of a small machine can both work. It runs the compiled
 * worker from dist/ (start-worker.ts).
 */
import type { Worker } from 'node:worker_threads';
import type { ServerSummary } from './server-summary.js';
import type { ServerReply, ServerRequest, ServerWorkerData } from './arena-server-worker.js';
import type { EntityState, EntityTable } from './snapshot.js';
import { startWorker } from './start-worker.js';

const REPLY_TIMEOUT_MS = 5_000;
const CLOSE_TIMEOUT_MS = 10_000;

export class ArenaServerThread {
  private nextRequest = 1;
  private readonly pending = new Map<number, (reply: ServerReply) => void>();
  private closing: Promise<ServerSummary> | undefined;

  private constructor(
    private readonly worker: Worker,
    readonly address: { readonly host: string; readonly port: number },
  ) {
    worker.on('message', (m: ServerReply) => {
      if (m.type !== 'summary' && m.type !== 'state') return;
      this.pending.get(m.id)?.(m);
      this.pending.delete(m.id);
    });
    worker.once('exit', () => {
      // nothing answers once the thread is gone: settle whoever still waits
      for (const settle of this.pending.values()) settle({ type: 'failed', message: 'the server thread ended' });
      this.pending.clear();
    });
  }

  static async start(options: ServerWorkerData): Promise<ArenaServerThread> {
    const { worker, first } = await startWorker<ServerReply>('server', 'arena-server-worker.js', options);
    if (first.type !== 'ready') throw new Error(first.type === 'failed' ? first.message : `unexpected "${first.type}" from the server thread`);
    const address = { host: first.host, port: first.port };
    return new ArenaServerThread(worker, address);
  }

  summary(): Promise<ServerSummary> {
    return this.request<ServerSummary>('summary', (r) => (r.type === 'summary' ? r.summary : undefined));
  }

  /** The server's current state, as a snapshot would carry it. */
  async currentState(): Promise<EntityTable> {
    const entities = await this.request<[number, EntityState][]>('state', (r) => (r.type === 'state' ? r.entities : undefined));
    return new Map(entities);
  }

  /** Starts the server's event-loop measurement window. */
  measure(): void {
    this.post({ type: 'measure' });
  }

  /** Closes the server (2.1 to every client still connected) and ends the thread; the final summary. */
  close(): Promise<ServerSummary> {
    this.closing ??= new Promise<ServerSummary>((resolve, reject) => {
      let summary: ServerSummary | undefined;
      this.worker.on('message', (m: ServerReply) => {
        if (m.type === 'closed') summary = m.summary;
      });
      // closing waits for every client's acknowledgement, bounded by the disconnect timeout (2 s)
      const timer = setTimeout(() => void this.worker.terminate(), CLOSE_TIMEOUT_MS);
      this.worker.once('exit', () => {
        clearTimeout(timer);
        if (summary === undefined) reject(new Error('the server thread ended without closing'));
        else resolve(summary);
      });
      this.post({ type: 'close' });
    });
    return this.closing;
  }

  private request<T>(type: 'summary' | 'state', pick: (r: ServerReply) => T | undefined): Promise<T> {
    const id = this.nextRequest++;
    return new Promise<T>((resolve, reject) => {
      // a wedged thread must not wedge the command: Ctrl-C and test timeouts still end it
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`the server thread did not answer "${type}" within ${REPLY_TIMEOUT_MS} ms`));
      }, REPLY_TIMEOUT_MS);
      this.pending.set(id, (reply) => {
        clearTimeout(timer);
        const value = pick(reply);
        if (value === undefined) reject(new Error(`the server thread answered "${reply.type}" to "${type}"`));
        else resolve(value);
      });
      this.post({ type, id });
    });
  }

  private post(m: ServerRequest): void {
    this.worker.postMessage(m);
  }
}
