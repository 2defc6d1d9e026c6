/**
 * Worker-thread entry that runs an ArenaServer (see server-thread.ts) and answers the main
 * thread's requests: a summary of its counters, its current state (for convergence checks), a
 * measurement mark, and close. The server is always closed before the thread ends: the native
 * UDP engine's poll handle must not outlive its event loop.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ArenaServer, type ArenaServerOptions } from './arena-server.js';
import { summarizeServer, type ServerSummary } from './server-summary.js';
import type { EntityState } from './snapshot.js';

export type ServerRequest =
  | { readonly type: 'summary'; readonly id: number }
  | { readonly type: 'state'; readonly id: number }
  | { readonly type: 'measure' }
  | { readonly type: 'close' };

export type ServerReply =
  | { readonly type: 'ready'; readonly host: string; readonly port: number }
  | { readonly type: 'failed'; readonly message: string }
  | { readonly type: 'summary'; readonly id: number; readonly summary: ServerSummary }
  | { readonly type: 'state'; readonly id: number; readonly entities: [number, EntityState][] }
  | { readonly type: 'closed'; readonly summary: ServerSummary };

/** Options without functions or sockets: they are cloned into the worker. */
export type ServerWorkerData = Omit<ArenaServerOptions, 'transport'> & {
  readonly transport?: { readonly host?: string; readonly port?: number; readonly maxConnections?: number };
};

const port = parentPort;
if (port !== null) {
  const post = (m: ServerReply): void => port.postMessage(m);
  ArenaServer.start(workerData as ServerWorkerData).then(
    (server) => {
      let mark = performance.eventLoopUtilization();
      const summary = (): ServerSummary => summarizeServer(server, performance.eventLoopUtilization(mark).utilization);
      port.on('message', (m: ServerRequest) => {
        switch (m.type) {
          case 'summary':
            return post({ type: 'summary', id: m.id, summary: summary() });
          case 'state':
            return post({ type: 'state', id: m.id, entities: [...server.currentState().entities] });
          case 'measure':
            mark = performance.eventLoopUtilization();
            return undefined;
          case 'close':
            return void server.close().then(() => {
              post({ type: 'closed', summary: summary() });
              port.close();
            });
        }
      });
      post({ type: 'ready', ...server.address });
    },
    (err: unknown) => {
      post({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
      port.close();
    },
  );
}
