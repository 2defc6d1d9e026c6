/**
 * Acceptance 2, scaled out: 200 concurrent `/lobby/find` for a 4-player game, split over two
 * `paperclip serve` processes sharing one PostgreSQL database, give exactly 50 full lobbies.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PostgresRepository } from '../../../lib/services/accounts/storage/postgres/repository.js';
import { sha256Hex } from '../../../lib/services/accounts/tokens.js';
import { createTestSchema, describePostgres, type TestSchema } from '../../helpers/postgres.js';
import { startServe, type ServeProcess } from './serve-process.js';

describePostgres('matchmaking across two service processes on one PostgreSQL', () => {
  let schema: TestSchema;
  let servers: ServeProcess[] = [];
  let repo: PostgresRepository;

  beforeAll(async () => {
    schema = await createTestSchema();
    const dir = mkdtempSync(join(tmpdir(), 'paperclip-2proc-'));
    const games = join(dir, 'games.json');
    writeFileSync(games, JSON.stringify([{ name: 'quad', min_players: 4, max_players: 4, module: null }]));
    const common = ['--db', schema.url, '--games', games, '--key-file', join(dir, 'service.key'), '--auth-rate-limit', 'off'];
    // both start (and migrate) at once, as a deployment would
    servers = await Promise.all([
      startServe([...common, '--udp-ports', '46400-46409']),
      startServe([...common, '--udp-ports', '46410-46419']),
    ]);
    repo = new PostgresRepository(schema.config());
  }, 60_000);

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await repo?.close();
    await schema?.drop();
  });

  it('200 finds split over both processes make exactly 50 lobbies of 4', async () => {
    const now = Date.now();
    const tokens: string[] = [];
    for (let i = 0; i < 200; i++) {
      // accounts and sessions straight into storage: 200 scrypt hashes would only slow the test
      const account = await repo.createAccount(`player${i}`, 'scrypt$1$1$1$AA==$AA==', now);
      const token = `${'k'.repeat(37)}${String(i).padStart(6, '0')}`;
      await repo.createSession(account.id, sha256Hex(token), now, now + 3_600_000);
      tokens.push(token);
    }
    const replies = await Promise.all(
      tokens.map(async (token, i) => {
        const server = servers[i % 2] as ServeProcess;
        const res = await fetch(`${server.url}/lobby/find?game_name=quad`, { headers: { authorization: `Bearer ${token}` } });
        return res.status;
      }),
    );
    expect(replies.filter((s) => s !== 200 && s !== 201)).toEqual([]);
    expect(replies.filter((s) => s === 201)).toHaveLength(50);
    const lobbies = await repo.listLobbies({ status: ['open', 'full', 'starting', 'running', 'ended'], limit: 1000 });
    expect(lobbies).toHaveLength(50);
    expect(lobbies.filter((l) => l.members.length !== 4 || l.status !== 'full')).toEqual([]);
    expect(new Set(lobbies.flatMap((l) => l.members.map((m) => m.accountId))).size).toBe(200);
  }, 60_000);
});
