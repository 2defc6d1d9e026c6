/**
 * Acceptance: `kill -9` of the service during a burst of acknowledged writes loses none of them
 * (SQLite in WAL mode commits before the reply is sent; a killed process loses only what it had
 * not acknowledged).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteRepository } from '../../../lib/services/accounts/storage/sqlite/repository.js';
import { sha256Hex } from '../../../lib/services/accounts/tokens.js';
import { startServe, stopAllServes } from './serve-process.js';

describe('service crash durability (SQLite WAL)', () => {
  afterEach(stopAllServes);

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
    const deadline = Date.now() + 45_000;
    while (acknowledged.length < 40 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(acknowledged.length).toBeGreaterThanOrEqual(40);
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

  it('after a kill -9 with a game running, the orphaned game server exits and a restart ends its lobby', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paperclip-crash-'));
    const db = join(dir, 'service.db');
    const args = ['--db', `sqlite:${db}`, '--key-file', join(dir, 'service.key'), '--udp-ports', '46110-46110', '--auth-rate-limit', 'off'];
    const serve = await startServe(args);
    const repo = new SqliteRepository(db);
    const now = Date.now();
    const tokens: string[] = [];
    for (const name of ['ann', 'bob']) {
      const account = await repo.createAccount(name, 'scrypt$1$1$1$AA==$AA==', now);
      const token = `${name.repeat(15).slice(0, 43)}`;
      await repo.createSession(account.id, sha256Hex(token), now, now + 3_600_000);
      tokens.push(token);
    }
    let lobbyId = 0;
    for (const token of tokens) {
      const res = await fetch(`${serve.url}/lobby/find?game_name=rps`, { headers: { authorization: `Bearer ${token}` } });
      lobbyId = ((await res.json()) as { id: number }).id;
    }
    const deadline = Date.now() + 15_000;
    while ((await repo.getLobby(lobbyId))?.status !== 'running' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect((await repo.getLobby(lobbyId))?.status).toBe('running');

    serve.child.kill('SIGKILL');
    await serve.stop();
    // the orphan notices its parent is gone (IPC closed) and frees the port
    const again = await startServe(args);
    try {
      const lobby = await repo.getLobby(lobbyId);
      expect(lobby).toMatchObject({ status: 'ended', endReason: 'service-restarted' });
      // both players can matchmake again, and the single port serves the new lobby
      for (const token of tokens) {
        const res = await fetch(`${again.url}/lobby/find?game_name=rps`, { headers: { authorization: `Bearer ${token}` } });
        expect([200, 201]).toContain(res.status);
      }
      const next = (await repo.listLobbies({ status: ['full', 'starting', 'running'] }))[0];
      const until = Date.now() + 15_000;
      while ((await repo.getLobby(next?.id ?? 0))?.status !== 'running' && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      expect((await repo.getLobby(next?.id ?? 0))?.status).toBe('running');
    } finally {
      await again.stop();
      await repo.close();
    }
  }, 60_000);
});
