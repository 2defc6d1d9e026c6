/**
 * SQLite storage: the shared contract on a temporary file, then what only SQLite has to prove —
 * its pragmas, and matchmaking staying exact when several connections (and processes) share
 * one file.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { SqliteRepository } from '../../../lib/services/accounts/storage/sqlite/repository.js';
import type { Game } from '../../../lib/services/accounts/storage/types.js';
import { describeRepositoryContract } from './contract.js';

const dir = mkdtempSync(join(tmpdir(), 'paperclip-sqlite-'));
let files = 0;
const freshFile = (): string => join(dir, `db-${++files}.sqlite`);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeRepositoryContract('SQLite (temp file)', async () => new SqliteRepository(freshFile()));
describeRepositoryContract('SQLite (:memory:)', async () => new SqliteRepository(':memory:'));

const QUAD = { name: 'quad', minPlayers: 2, maxPlayers: 4, module: null };

/** A migrated repository on `file` with the quad game and `n` accounts (ids in creation order). */
async function seeded(file: string, n: number): Promise<{ repo: SqliteRepository; game: Game; accountIds: number[] }> {
  const repo = new SqliteRepository(file);
  await repo.migrate();
  const [game] = await repo.upsertGames([QUAD]);
  const accountIds: number[] = [];
  for (let i = 0; i < n; i++) accountIds.push((await repo.createAccount(`player-${i}`, 'scrypt$x', 0)).id);
  return { repo, game: game!, accountIds };
}

/** The lobbies of the game, each checked full with exactly four distinct members. */
async function expectFiftyFullLobbies(repo: SqliteRepository, game: Game): Promise<void> {
  const lobbies = await repo.listLobbies({ gameId: game.id, limit: 1000 });
  expect(lobbies).toHaveLength(50);
  for (const lobby of lobbies) {
    expect(lobby.status).toBe('full');
    expect(lobby.members).toHaveLength(4);
  }
  expect(new Set(lobbies.flatMap((l) => l.members.map((m) => m.accountId))).size).toBe(200);
}

describe('SQLite repository', () => {
  const open: SqliteRepository[] = [];
  afterEach(async () => {
    for (const repo of open.splice(0)) await repo.close();
  });

  it('opens files in WAL mode with synchronous NORMAL, foreign keys on and a 5 s busy timeout', async () => {
    const repo = new SqliteRepository(freshFile());
    open.push(repo);
    const pragma = (name: string): unknown => repo.database.pragma(name, { simple: true });
    expect(pragma('journal_mode')).toBe('wal');
    expect(pragma('synchronous')).toBe(1); // NORMAL
    expect(pragma('foreign_keys')).toBe(1);
    expect(pragma('busy_timeout')).toBe(5000);
  });

  it('group commit: a failing write of the batch rolls back alone; the others are committed when they resolve', async () => {
    const file = freshFile();
    const { repo } = await seeded(file, 0);
    const outcomes = await Promise.allSettled([
      repo.createAccount('first', 'scrypt$x', 1),
      repo.createAccount('first', 'scrypt$x', 2), // USERNAME_TAKEN: only this one fails
      repo.createAccount('second', 'scrypt$x', 3),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'USERNAME_TAKEN' });
    // another connection sees both survivors: they were committed before the promises resolved
    const other = new SqliteRepository(file);
    expect((await other.findAccountByUsername('first'))?.createdAt).toBe(1);
    expect((await other.findAccountByUsername('second'))?.createdAt).toBe(3);
    await other.close();
    await repo.close();
  });

  it('background checkpoints: the serving connection never checkpoints, the worker does', async () => {
    const file = freshFile();
    const repo = new SqliteRepository(file, { backgroundCheckpoints: true });
    await repo.migrate();
    expect(repo.database.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    const before = statSync(file).size;
    await Promise.all(Array.from({ length: 3000 }, (_, i) => repo.createAccount(`ckpt-${i}-${'x'.repeat(24)}`, 'scrypt$x', i)));
    // the pages reach the main file only through a checkpoint, which only the worker runs
    const deadline = Date.now() + 5000;
    while (statSync(file).size <= before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(statSync(file).size).toBeGreaterThan(before);
    await repo.close();
    const reopened = new SqliteRepository(file);
    expect((await reopened.findAccountByUsername(`ckpt-2999-${'x'.repeat(24)}`))?.createdAt).toBe(2999);
    await reopened.close();
  });

  it('records each migration once, however often migrate() runs', async () => {
    const file = freshFile();
    const first = new SqliteRepository(file);
    const second = new SqliteRepository(file);
    open.push(first, second);
    await Promise.all([first.migrate(), second.migrate(), first.migrate()]);
    const versions = first.database.prepare('SELECT version FROM schema_migrations').pluck().all();
    expect(versions).toEqual([1]);
  });

  it('the database itself refuses a second active lobby for one account', async () => {
    const { repo, game, accountIds } = await seeded(freshFile(), 2);
    open.push(repo);
    const [amy, bob] = accountIds as [number, number];
    await repo.createLobby(game.id, amy, 0);
    const other = await repo.createLobby(game.id, bob, 0);
    const sneak = repo.database.prepare('INSERT INTO lobby_members (lobby_id, account_id, joined_at, active) VALUES (?, ?, 0, 1)');
    expect(() => sneak.run(other.lobby.id, amy)).toThrow(/UNIQUE constraint failed/);
  });

  it('two connections on one file, 200 interleaved findOrCreateLobby calls: 50 full lobbies', async () => {
    const file = freshFile();
    const { repo: first, game, accountIds } = await seeded(file, 200);
    const second = new SqliteRepository(file);
    open.push(first, second);
    const outcomes = await Promise.all(
      accountIds.map((id, i) => (i % 2 === 0 ? first : second).findOrCreateLobby(game.id, id, i)),
    );
    expect(outcomes.filter((o) => o.becameFull)).toHaveLength(50);
    await expectFiftyFullLobbies(second, game);
  });
});

// ---- two real processes on one file ----

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const built = join(root, 'dist/lib/services/accounts/storage/sqlite/repository.js');
const sources = join(root, 'lib/services/accounts/storage/sqlite');

/** dist/ exists and is newer than the sources it was built from (`npm run build:ts`). */
function distIsFresh(): boolean {
  try {
    const builtAt = statSync(built).mtimeMs;
    const newestSource = Math.max(
      ...['repository.ts', 'matchmaking.ts', 'lobby-reads.ts', 'connection.ts', 'open.ts', 'migrations.ts'].map(
        (f) => statSync(join(sources, f)).mtimeMs,
      ),
    );
    return builtAt >= newestSource;
  } catch {
    return false;
  }
}

// Waits for "go" on stdin so both processes start together, then seats its accounts one by one.
// The 1 ms pause between calls keeps the two processes overlapping (unpaced, one process finishes
// its hundred transactions before the other has started), so their joins meet in the same lobbies.
const CHILD = `
import { createInterface } from 'node:readline';
import { SqliteRepository } from ${JSON.stringify(pathToFileURL(built).href)};

const [file, gameId, ids] = process.argv.slice(2);
const repo = new SqliteRepository(file);
process.stdout.write('ready\\n');
for await (const line of createInterface({ input: process.stdin })) if (line === 'go') break;
let becameFull = 0;
for (const id of ids.split(',').map(Number)) {
  if ((await repo.findOrCreateLobby(Number(gameId), id, Date.now())).becameFull) becameFull++;
  await new Promise((resolve) => setTimeout(resolve, 1));
}
await repo.close();
process.stdout.write(JSON.stringify({ becameFull }) + '\\n');
`;

interface Child {
  ready: Promise<void>;
  result: Promise<{ becameFull: number }>;
  go(): void;
}

function startChild(script: string, args: string[]): Child {
  const child = spawn(process.execPath, [script, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines = createInterface({ input: child.stdout });
  let last = '';
  const ready = new Promise<void>((resolveReady) => {
    lines.on('line', (line) => {
      if (line === 'ready') resolveReady();
      else last = line;
    });
  });
  const result = new Promise<{ becameFull: number }>((resolveResult, reject) => {
    child.on('close', (code) => {
      if (code === 0) resolveResult(JSON.parse(last) as { becameFull: number });
      else reject(new Error(`child exited with ${code}: ${stderr}`));
    });
  });
  return { ready, result, go: () => child.stdin.end('go\n') };
}

describe.skipIf(!distIsFresh())('SQLite across two processes (needs a fresh `npm run build:ts`)', () => {
  it('two node processes, 100 findOrCreateLobby each on one file: 50 full lobbies, none over-filled', async () => {
    const file = freshFile();
    const { repo, game, accountIds } = await seeded(file, 200);
    try {
      const script = join(dir, 'matchmaker.mjs');
      writeFileSync(script, CHILD);
      const halves = [accountIds.filter((_, i) => i % 2 === 0), accountIds.filter((_, i) => i % 2 === 1)];
      const children = halves.map((ids) => startChild(script, [file, String(game.id), ids.join(',')]));
      await Promise.all(children.map((c) => c.ready));
      for (const c of children) c.go();
      const results = await Promise.all(children.map((c) => c.result));

      expect(results.reduce((sum, r) => sum + r.becameFull, 0)).toBe(50);
      await expectFiftyFullLobbies(repo, game);
      const fullest = repo.database
        .prepare('SELECT MAX(n) FROM (SELECT COUNT(*) AS n FROM lobby_members GROUP BY lobby_id)')
        .pluck()
        .get();
      expect(fullest).toBe(4);
      // The processes really contended: some lobbies hold accounts of both.
      const lobbies = await repo.listLobbies({ gameId: game.id, limit: 1000 });
      const mixed = lobbies.filter((l) => new Set(l.members.map((m) => halves[0]!.includes(m.accountId))).size === 2);
      expect(mixed.length).toBeGreaterThan(0);
    } finally {
      await repo.close();
    }
  });
});
