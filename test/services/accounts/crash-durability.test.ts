/**
 * Acceptance: `kill -9` of the service during a burst of acknowledged writes loses none of them
 * (SQLite in WAL mode commits before the reply is sent; a killed process loses only what it had
 * not acknowledged).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteRepository } from '../../../lib/services/accounts/storage/sqlite/repository.js';
import { startServe } from './serve-process.js';

describe('service crash durability (SQLite WAL)', () => {
  it('keeps every acknowledged registration across kill -9, and serves them after a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paperclip-crash-'));
    const args = ['--db', `sqlite:${join(dir, 'service.db')}`, '--key-file', join(dir, 'service.key'), '--udp-ports', '46100-46109', '--auth-rate-limit', 'off'];
    const serve = await startServe(args);
    const acknowledged: string[] = [];
    let attempted = 0;
    let stop = false;
    const worker = async (w: number): Promise<void> => {
      for (let i = 0; !stop; i++) {
        const username = `w${w}-${i}`;
        attempted++;
        try {
          const res = await fetch(`${serve.url}/auth/register`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ username, password: 'correct horse' }),
          });
          if (res.status !== 201) throw new Error(`unexpected ${res.status}: ${await res.text()}`);
          acknowledged.push(username);
        } catch (e) {
          if (!stop && !(e instanceof TypeError)) throw e;
          return; // the connection died with the process: not acknowledged
        }
      }
    };
    const workers = Array.from({ length: 16 }, (_, w) => worker(w));
    // kill in the middle of the burst, once a good number of writes were acknowledged
    const deadline = Date.now() + 30_000;
    while (acknowledged.length < 60 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(acknowledged.length).toBeGreaterThanOrEqual(60);
    serve.child.kill('SIGKILL');
    stop = true;
    await Promise.all(workers);
    await serve.stop();
    expect(serve.child.signalCode).toBe('SIGKILL');
    expect(attempted).toBeGreaterThan(acknowledged.length); // some were in flight at the kill

    const repo = new SqliteRepository(join(dir, 'service.db'));
    await repo.migrate();
    const missing: string[] = [];
    for (const name of acknowledged) if ((await repo.findAccountByUsername(name)) === null) missing.push(name);
    await repo.close();
    expect(missing).toEqual([]);

    const again = await startServe(args);
    try {
      const first = acknowledged[0] as string;
      const auth = `Basic ${Buffer.from(`${first}:correct horse`).toString('base64')}`;
      const res = await fetch(`${again.url}/auth/token`, { headers: { authorization: auth } });
      expect(res.status).toBe(200);
    } finally {
      await again.stop();
    }
  }, 60_000);
});
