/**
 * A LossyUdpProxy on its own worker thread. In one thread with a hundred bots and the server,
 * the proxy's per-datagram timers (each delayed datagram is a setTimeout) competed for the same
 * event loop as the endpoints it was supposed to be a network for, and its delays grew with
 * their load. The worker runs the compiled proxy-worker.js from dist/ (start-worker.ts), so
 * `npm run build:ts` must have run.
 */
import type { Worker } from 'node:worker_threads';
import type { LossyProxyOptions, LossyProxyStats } from '../../lib/transport/lossy-proxy.js';
import type { ProxyWorkerData, ProxyWorkerMessage } from './proxy-worker.js';
import { startWorker } from './start-worker.js';

export class ProxyThread {
  private constructor(
    private readonly worker: Worker,
    private readonly shared: Float64Array,
    /** The port bots send to (on 127.0.0.1 or ::1, as the proxy options say). */
    readonly port: number,
  ) {}

  static async start(options: Omit<LossyProxyOptions, 'drop'>): Promise<ProxyThread> {
    const stats = new SharedArrayBuffer(3 * Float64Array.BYTES_PER_ELEMENT);
    const data: ProxyWorkerData = { options, stats };
    const { worker, first } = await startWorker<ProxyWorkerMessage>('proxy', 'proxy-worker.js', data);
    if (first.type !== 'ready') throw new Error(first.type === 'failed' ? `lossy proxy: ${first.message}` : 'lossy proxy closed at once');
    const port = first.port;
    return new ProxyThread(worker, new Float64Array(stats), port);
  }

  /** As of at most 100 ms ago (exact after close). */
  get stats(): LossyProxyStats {
    return { forwarded: this.shared[0] ?? 0, dropped: this.shared[1] ?? 0, duplicated: this.shared[2] ?? 0 };
  }

  async close(): Promise<void> {
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.postMessage('close');
    // a proxy that cannot close its sockets must not keep the process alive
    const timer = setTimeout(() => void this.worker.terminate(), 2_000);
    await exited;
    clearTimeout(timer);
  }
}
