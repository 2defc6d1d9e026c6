/**
 * The Repository contract on a real PostgreSQL, plus what only PostgreSQL has to prove: that
 * matchmaking and migrations hold when several pools or processes share one database.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { ServiceError } from '../../../lib/services/accounts/errors.js';
import { openRepository } from '../../../lib/services/accounts/storage/index.js';
import { PostgresRepository } from '../../../lib/services/accounts/storage/postgres/repository.js';
import type { Game } from '../../../lib/services/accounts/storage/types.js';
import {
  createTestSchema,
  describePostgres,
  openPostgresTestRepository,
  postgresUrl,
  type TestSchema,
} from '../../helpers/postgres.js';
import { describeRepositoryContract } from './contract.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const SOURCE_DIR = join(ROOT, 'lib/services/accounts/storage/postgres');
const BUILT_DIR = join(ROOT, 'dist/lib/services/accounts/storage/postgres');
const T0 = Date.UTC(2026, 0, 1);
const QUAD = { name: 'quad', minPlayers: 4, maxPlayers: 4, module: null };

describePostgres('PostgreSQL storage', () => {
  describeRepositoryContract('postgres', openPostgresTestRepository);

  describe('shared by several pools (as by several service processes)', () => {
    const cleanup: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const step of cleanup.splice(0).reverse()) await step();
    });

    /** `count` repositories, each with its own pool, on one fresh schema. */
    async function pools(count: number, migrated = true): Promise<{ schema: TestSchema; repos: PostgresRepository[] }> {
      const schema = await createTestSchema();
      cleanup.push(() => schema.drop());
      const repos = Array.from({ length: count }, () => new PostgresRepository(schema.config(5)));
      cleanup.push(async () => {
        await Promise.all(repos.map((repo) => repo.close()));
      });
      if (migrated) await repos[0]!.migrate();
      return { schema, repos };
    }

    async function quadAndPlayers(repo: PostgresRepository, players: number): Promise<{ game: Game; ids: number[] }> {
      const [game] = await repo.upsertGames([QUAD]);
      const ids: number[] = [];
      for (let i = 0; i < players; i++) ids.push((await repo.createAccount(`player-${i}`, 'scrypt$x', T0)).id);
      return { game: game!, ids };
    }

    it('two concurrent migrate() calls on a fresh schema both succeed and apply it once', async () => {
      const { schema, repos } = await pools(3, false);
      await Promise.all(repos.map((repo) => repo.migrate()));
      const client = new pg.Client(schema.config());
      await client.connect();
      try {
        const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
        expect(rows).toEqual([{ version: 1 }]);
      } finally {
        await client.end();
      }
      expect(await repos[1]!.listGames()).toEqual([]);
    });

    it('200 concurrent findOrCreateLobby calls over two pools make exactly 50 lobbies of 4', async () => {
      const { repos } = await pools(2);
      const [a, b] = repos as [PostgresRepository, PostgresRepository];
      const { game, ids } = await quadAndPlayers(a, 200);
      const outcomes = await Promise.all(ids.map((id, i) => (i % 2 === 0 ? a : b).findOrCreateLobby(game.id, id, T0 + i)));
      expect(outcomes.filter((o) => o.created)).toHaveLength(50);
      expect(outcomes.filter((o) => o.becameFull)).toHaveLength(50);
      await expectFiftyFullLobbies(a, game, ids);
    });

    it('the database keeps an account in one active lobby when two pools race to seat it', async () => {
      const { repos } = await pools(2);
      const [a, b] = repos as [PostgresRepository, PostgresRepository];
      const [duo, quad] = await a.upsertGames([{ name: 'duo', minPlayers: 2, maxPlayers: 2, module: null }, QUAD]);
      for (let round = 0; round < 10; round++) {
        const { id } = await a.createAccount(`racer-${round}`, 'scrypt$x', T0);
        const results = await Promise.allSettled([a.createLobby(duo!.id, id, T0), b.findOrCreateLobby(quad!.id, id, T0)]);
        const won = results.filter((r) => r.status === 'fulfilled');
        const lost = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(1);
        expect(lost[0]).toBeInstanceOf(ServiceError);
        expect(lost[0]).toMatchObject({ code: 'ALREADY_IN_LOBBY' });
      }
    });

    it('two node processes doing 100 findOrCreateLobby calls each fill exactly 50 lobbies of 4', async () => {
      assertBuildIsCurrent();
      const { schema, repos } = await pools(1);
      const { game, ids } = await quadAndPlayers(repos[0]!, 200);
      const dir = mkdtempSync(join(tmpdir(), 'paperclip-pg-procs-'));
      cleanup.push(async () => rmSync(dir, { recursive: true, force: true }));
      const script = join(dir, 'matchmaker.mjs');
      writeFileSync(script, matchmakerScript(pathToFileURL(join(BUILT_DIR, 'repository.js')).href));

      const halves = [ids.filter((_, i) => i % 2 === 0), ids.filter((_, i) => i % 2 === 1)];
      const children = halves.map((half) => startMatchmaker(script, { url: schema.url, gameId: game.id, ids: half, now: T0 }));
      // Both hold open connections before either starts: the calls really interleave.
      await Promise.all(children.map((child) => child.ready));
      for (const child of children) child.go();
      const outcomes = (await Promise.all(children.map((child) => child.done))).flat();

      expect(outcomes).toHaveLength(200);
      expect(outcomes.filter((o) => o.created)).toHaveLength(50);
      expect(outcomes.filter((o) => o.becameFull)).toHaveLength(50);
      expect(Math.max(...outcomes.map((o) => o.members))).toBeLessThanOrEqual(4);
      await expectFiftyFullLobbies(repos[0]!, game, ids);
    });
  });

  describe('openRepository', () => {
    it('opens and migrates a postgres:// URL', async () => {
      const schema = await createTestSchema();
      try {
        const repo = await openRepository(schema.url);
        try {
          expect(repo.kind).toBe('postgres');
          expect(await repo.listGames()).toEqual([]);
        } finally {
          await repo.close();
        }
      } finally {
        await schema.drop();
      }
    });
  });

  it('keeps its BIGINT parsing to its own pool', async () => {
    const repo = await openPostgresTestRepository();
    try {
      const { id } = await repo.createAccount('amy', 'scrypt$x', T0);
      expect(typeof id).toBe('number');
      // A plain pg user in the same process still gets the library's default: strings.
      const client = new pg.Client({ connectionString: postgresUrl });
      await client.connect();
      try {
        const { rows } = await client.query<{ n: unknown }>('SELECT 9007199254740993::bigint AS n');
        expect(rows[0]!.n).toBe('9007199254740993');
      } finally {
        await client.end();
      }
    } finally {
      await repo.close();
    }
  });
});

describe('openRepository (no database needed)', () => {
  it('rejects other URLs naming the accepted forms, without echoing the rest of the URL', async () => {
    const error = await openRepository('mysql://root:secret@db/x').then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toMatch(/sqlite:<path>/);
    expect(message).toMatch(/postgres:\/\//);
    expect(message).toMatch(/postgresql:\/\//);
    expect(message).not.toMatch(/secret/);
    await expect(openRepository('')).rejects.toThrow(/sqlite:<path>/);
  });

  it('opens and migrates sqlite::memory:', async () => {
    const repo = await openRepository('sqlite::memory:');
    try {
      expect(repo.kind).toBe('sqlite');
      expect(await repo.listGames()).toEqual([]);
    } finally {
      await repo.close();
    }
  });
});

async function expectFiftyFullLobbies(repo: PostgresRepository, game: Game, ids: readonly number[]): Promise<void> {
  const lobbies = await repo.listLobbies({ gameId: game.id, limit: 1000 });
  expect(lobbies).toHaveLength(50);
  for (const lobby of lobbies) {
    expect(lobby.status).toBe('full');
    expect(lobby.members).toHaveLength(4);
  }
  const seated = lobbies.flatMap((lobby) => lobby.members.map((m) => m.accountId));
  expect(new Set(seated)).toEqual(new Set(ids));
  expect(seated).toHaveLength(ids.length);
}

/** The child processes run dist/; a build older than the sources would test old code. */
function assertBuildIsCurrent(): void {
  const hint = 'run `npm run build:ts` first (npm test does it in pretest)';
  for (const file of readdirSync(SOURCE_DIR).filter((name) => name.endsWith('.ts'))) {
    const built = join(BUILT_DIR, file.replace(/\.ts$/, '.js'));
    if (!existsSync(built)) throw new Error(`${built} is missing: ${hint}`);
    if (statSync(built).mtimeMs < statSync(join(SOURCE_DIR, file)).mtimeMs) throw new Error(`${built} is older than its source: ${hint}`);
  }
}

/** What a child reports per call; the lobby itself is checked from the parent afterwards. */
interface CallSummary {
  readonly created: boolean;
  readonly becameFull: boolean;
  readonly members: number;
}

function matchmakerScript(repositoryUrl: string): string {
  return `
import { createInterface } from 'node:readline';
import { PostgresRepository } from ${JSON.stringify(repositoryUrl)};

const { url, gameId, ids, now } = JSON.parse(process.argv[2]);
const repo = new PostgresRepository({ connectionString: url, max: 5 });
await repo.getGame(gameId); // opens a connection before the start signal
console.log('ready');
await new Promise((resolve) => createInterface({ input: process.stdin }).once('line', resolve));
const outcomes = await Promise.all(ids.map((id, i) => repo.findOrCreateLobby(gameId, id, now + i)));
await repo.close();
console.log(JSON.stringify(outcomes.map((o) => ({ created: o.created, becameFull: o.becameFull, members: o.lobby.members.length }))));
process.stdin.destroy();
`;
}

interface Matchmaker {
  readonly ready: Promise<void>;
  go(): void;
  readonly done: Promise<CallSummary[]>;
}

function startMatchmaker(script: string, input: { url: string; gameId: number; ids: number[]; now: number }): Matchmaker {
  const child = spawn(process.execPath, [script, JSON.stringify(input)], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let signalReady: () => void = () => undefined;
  const ready = new Promise<void>((resolveReady) => (signalReady = resolveReady));
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    if (stdout.startsWith('ready\n')) signalReady();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const done = new Promise<CallSummary[]>((resolveDone, rejectDone) => {
    child.on('error', rejectDone);
    child.on('close', (code) => {
      const last = stdout.trim().split('\n').at(-1) ?? '';
      if (code !== 0) rejectDone(new Error(`matchmaker exited with ${code}: ${stderr}`));
      else resolveDone(JSON.parse(last) as CallSummary[]);
    });
  });
  // A child that dies before 'ready' must not leave the test waiting for it.
  const readyOrFailed = Promise.race([ready, done.then(() => undefined)]);
  return { ready: readyOrFailed, go: () => child.stdin.write('go\n'), done };
}
