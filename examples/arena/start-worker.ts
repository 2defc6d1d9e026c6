/**
 * Starts one of the arena's worker threads and waits for its first message (or its error or
 * early exit, as a rejection). The worker runs the compiled module from dist/: a worker is a
 * plain `node` module loader, with no TypeScript. It gets the backend this thread chose
 * (PAPERCLIP_BACKEND), so both sides run the same one and a missing addon is reported once, not
 * once per thread.
 *
 * Only this function's own listeners are removed afterwards: Worker's removeAllListeners() also
 * drops Node's internal ones, after which no message arrives at all.
 */
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { backendName, packageRoot } from '../../lib/native.js';

export async function startWorker<M>(name: string, file: string, workerData: unknown): Promise<{ worker: Worker; first: M }> {
  const worker = new Worker(join(packageRoot, 'dist/examples/arena', file), {
    workerData,
    env: { ...process.env, PAPERCLIP_BACKEND: backendName },
  });
  const first = await new Promise<M>((resolve, reject) => {
    const done = (): void => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    const onMessage = (m: M): void => {
      done();
      resolve(m);
    };
    const onError = (err: Error): void => {
      done();
      reject(err);
    };
    const onExit = (code: number): void => {
      done();
      reject(new Error(`the ${name} thread exited (${code}) before it was ready`));
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  });
  return { worker, first };
}
