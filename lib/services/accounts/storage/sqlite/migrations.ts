/**
 * The SQLite schema as an ordered list of migrations. A migration, once released, is never
 * edited: changes go in a new one with the next version. The PostgreSQL schema has the same
 * tables and columns, so both implementations pass one contract suite.
 */
import type Database from 'better-sqlite3';

export interface Migration {
  readonly version: number;
  readonly description: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'accounts, sessions, certificates, games, friends, blocks, lobbies, scores',
    sql: `
      CREATE TABLE accounts (
        id INTEGER PRIMARY KEY,
        username TEXT NOT NULL UNIQUE,
        password_hash TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );

      CREATE TABLE sessions (
        id INTEGER PRIMARY KEY,
        account_id INTEGER NOT NULL REFERENCES accounts(id),
        token_hash TEXT NOT NULL UNIQUE,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        revoked_at INTEGER,
        revoked_reason TEXT CHECK (revoked_reason IN ('logout', 'superseded'))
      );
      -- A login supersedes the account's live sessions: find them without a scan.
      CREATE INDEX sessions_live_by_account ON sessions(account_id) WHERE revoked_at IS NULL;

      CREATE TABLE certificates (
        hash TEXT PRIMARY KEY,
        account_id INTEGER NOT NULL REFERENCES accounts(id),
        session_id INTEGER NOT NULL REFERENCES sessions(id),
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        revoked_at INTEGER
      );
      CREATE INDEX certificates_by_session ON certificates(session_id);

      CREATE TABLE games (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        min_players INTEGER NOT NULL,
        max_players INTEGER NOT NULL,
        module TEXT,
        CHECK (min_players >= 1 AND max_players >= min_players)
      );

      -- Friendship is symmetric: one row per pair, the smaller id first, so "already friends"
      -- is a primary-key lookup whichever side asks.
      CREATE TABLE friends (
        account_lo INTEGER NOT NULL REFERENCES accounts(id),
        account_hi INTEGER NOT NULL REFERENCES accounts(id),
        since INTEGER NOT NULL,
        PRIMARY KEY (account_lo, account_hi),
        CHECK (account_lo < account_hi)
      );
      CREATE INDEX friends_by_hi ON friends(account_hi);

      CREATE TABLE blocks (
        blocker_id INTEGER NOT NULL REFERENCES accounts(id),
        blocked_id INTEGER NOT NULL REFERENCES accounts(id),
        since INTEGER NOT NULL,
        PRIMARY KEY (blocker_id, blocked_id),
        CHECK (blocker_id <> blocked_id)
      );
      CREATE INDEX blocks_by_blocked ON blocks(blocked_id);

      CREATE TABLE lobbies (
        id INTEGER PRIMARY KEY,
        game_id INTEGER NOT NULL REFERENCES games(id),
        owner_id INTEGER NOT NULL REFERENCES accounts(id),
        status TEXT NOT NULL CHECK (status IN ('open', 'full', 'starting', 'running', 'ended')),
        -- Copied from the game at creation: a configuration change does not resize live lobbies.
        max_players INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        ended_at INTEGER,
        end_reason TEXT,
        server_host TEXT,
        server_port INTEGER,
        server_certificate BLOB
      );
      -- Matchmaking's "oldest open lobby of this game" and the server pool's "oldest full lobby".
      CREATE INDEX lobbies_by_status ON lobbies(status, game_id, id);

      -- A member row stays after its lobby ends (active = 0) so results can name the players;
      -- leaving an open lobby deletes it.
      CREATE TABLE lobby_members (
        lobby_id INTEGER NOT NULL REFERENCES lobbies(id),
        account_id INTEGER NOT NULL REFERENCES accounts(id),
        joined_at INTEGER NOT NULL,
        active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
        PRIMARY KEY (lobby_id, account_id)
      );
      -- The database itself guarantees one not-ended lobby per account, whatever the code does.
      CREATE UNIQUE INDEX lobby_members_one_active ON lobby_members(account_id) WHERE active = 1;

      -- One row per lobby whose results are in: inserting it is what makes "already recorded"
      -- atomic, including for a match with no scores.
      CREATE TABLE match_results (
        lobby_id INTEGER PRIMARY KEY REFERENCES lobbies(id),
        recorded_at INTEGER NOT NULL
      );

      CREATE TABLE scores (
        lobby_id INTEGER NOT NULL REFERENCES match_results(lobby_id),
        account_id INTEGER NOT NULL REFERENCES accounts(id),
        -- Denormalised from the lobby so the leaderboard reads one table.
        game_id INTEGER NOT NULL REFERENCES games(id),
        score INTEGER NOT NULL,
        recorded_at INTEGER NOT NULL,
        PRIMARY KEY (lobby_id, account_id)
      );
      CREATE INDEX scores_by_game ON scores(game_id, account_id);
      CREATE INDEX scores_by_account ON scores(account_id, recorded_at);
    `,
  },
];

/**
 * Applies the migrations not yet recorded in schema_migrations. Runs under BEGIN IMMEDIATE, so
 * when two processes start on one file together the second waits, then finds nothing to do.
 */
export function applyMigrations(db: Database.Database): void {
  db.transaction(() => {
    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY,
      applied_at INTEGER NOT NULL
    )`);
    const applied = new Set(
      db.prepare<[], number>('SELECT version FROM schema_migrations').pluck().all(),
    );
    for (const migration of MIGRATIONS) {
      if (applied.has(migration.version)) continue;
      db.exec(migration.sql);
      // Wall-clock time: bookkeeping for operators, never compared with the callers' `now`.
      db.prepare<[number, number]>('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)')
        .run(migration.version, Date.now());
    }
  }).immediate();
}
