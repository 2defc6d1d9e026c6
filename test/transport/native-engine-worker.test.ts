/**
 * Worker threads that end with a native engine still open. Node tears a worker's loop down after
 * its environment's cleanup hooks; an engine whose poll handle was still open aborted the whole
 * process ("uv_loop_close() while having open handles"), and once that was handled, a close
 * callback in an addon the worker had been the only user of ran after the addon was unloaded
 * (SIGSEGV). Found by the arena demo, whose server and proxy run on worker threads. Each case runs
 * in a child process: a crash must fail the test, not take vitest with it.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot, primitives } from '../../lib/native.js';
import { resolveIoBackend } from '../../lib/transport/io-backend.js';

// Skipped (reason): without the addon (the js-fallback project) there is no engine to leave open.
const onNative = primitives.backend === 'native' && resolveIoBackend() === 'native';
const index = join(packageRoot, 'dist', 'lib', 'index.js');

/** A module that runs a server (and a connected client) on a worker, then terminates it. */
function script(mainUsesAddon: boolean): string {
  const worker = `
    import { parentPort } from 'node:worker_threads';
    const { createServer, connect } = await import(${JSON.stringify(index)});
    const server = await createServer({ port: 0, password: 'pw' });
    const client = await connect('127.0.0.1', server.address.port, { password: 'pw' });
    await client.connected;
    parentPort.postMessage(server.io);
  `;
  return `
    import { Worker } from 'node:worker_threads';
    ${mainUsesAddon ? `const { createServer } = await import(${JSON.stringify(index)}); const kept = await createServer({ port: 0, password: 'x' });` : ''}
    for (let i = 0; i < 3; i++) {
      const w = new Worker(${JSON.stringify(worker)}, { eval: true, type: 'module' });
      const io = await new Promise((resolve, reject) => { w.once('message', resolve); w.once('error', reject); });
      await w.terminate();
      console.log('worker', i, io, 'terminated');
    }
    ${mainUsesAddon ? 'await kept.close();' : ''}
    console.log('alive');
  `;
}

function runModule(code: string): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--input-type=module', '-e', code], { timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : null, signal: err?.signal ?? null, stdout, stderr });
    });
  });
}

describe.runIf(onNative)('native engine on worker threads', () => {
  for (const mainUsesAddon of [false, true]) {
    it(`a worker terminated with an engine open ends cleanly (addon ${mainUsesAddon ? 'also used by the main thread' : 'used by the worker only'})`, async () => {
      const r = await runModule(script(mainUsesAddon));
      expect(r.stderr).toBe('');
      expect({ code: r.code, signal: r.signal }).toEqual({ code: 0, signal: null });
      expect(r.stdout).toContain('worker 2 native terminated');
      expect(r.stdout).toContain('alive');
    });
  }

  it("an exception thrown in a 'message' listener reaches uncaughtException, as on node:dgram", async () => {
    const r = await runModule(`
      const { createServer, connect } = await import(${JSON.stringify(index)});
      process.on('uncaughtException', (err) => { console.log('caught:', err.message); process.exit(0); });
      const server = await createServer({ port: 0, password: 'pw' });
      server.on('message', () => { throw new Error('listener bug'); });
      const client = await connect('127.0.0.1', server.address.port, { password: 'pw' });
      await client.connected;
      client.send(new Uint8Array([1]), { delivery: 'reliable' });
      setTimeout(() => { console.log('not caught'); process.exit(1); }, 5000);
    `);
    expect(r.stdout.trim()).toBe('caught: listener bug');
    expect(r.code).toBe(0);
  });
});

