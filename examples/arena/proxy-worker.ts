/**
 * Worker-thread entry that runs a LossyUdpProxy (see proxy-thread.ts). It copies the proxy's
 * counters into the shared array every 100 ms and once more on close, so the main thread reads
 * them without a round trip.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { LossyUdpProxy, type LossyProxyOptions } from '../../lib/transport/lossy-proxy.js';

export interface ProxyWorkerData {
  readonly options: Omit<LossyProxyOptions, 'drop'>;
  /** Float64 × 3: forwarded, dropped, duplicated. */
  readonly stats: SharedArrayBuffer;
}

export type ProxyWorkerMessage = { readonly type: 'ready'; readonly port: number } | { readonly type: 'failed'; readonly message: string } | { readonly type: 'closed' };

const port = parentPort;
if (port !== null) {
  const data = workerData as ProxyWorkerData;
  const stats = new Float64Array(data.stats);
  const post = (m: ProxyWorkerMessage): void => port.postMessage(m);
  LossyUdpProxy.start(data.options).then(
    (proxy) => {
      const publish = (): void => {
        stats[0] = proxy.stats.forwarded;
        stats[1] = proxy.stats.dropped;
        stats[2] = proxy.stats.duplicated;
      };
      const timer = setInterval(publish, 100);
      port.on('message', (m: unknown) => {
        if (m !== 'close') return;
        clearInterval(timer);
        void proxy.close().then(() => {
          publish();
          post({ type: 'closed' });
          port.close();
        });
      });
      post({ type: 'ready', port: proxy.port });
    },
    (err: unknown) => {
      post({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
      port.close();
    },
  );
}
