/**
 * Schema versions, applied in order inside one transaction. The SQLite implementation keeps the
 * same tables and columns; timestamps are BIGINT milliseconds, ids BIGSERIAL. Constraint names
 * are explicit because db.ts maps violations of some of them to catalogue codes.
 */
import type pg from 'pg';
import { transaction } from './db.js';

interface Migration {
  readonly version: number;
  readonly statements: readonly string[];
}

const V1_SCHEMA: readonly string[] = [
  // COLLATE "C": usernames compare and sort byte for byte, whatever the database's locale.
  `CREATE TABLE accounts (
    id BIGSERIAL PRIMARY KEY,
    username TEXT COLLATE "C" NOT NULL CONSTRAINT accounts_username_key UNIQUE,
    password_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL
  )`,
  `CREATE TABLE sessions (
    id BIGSERIAL PRIMARY KEY,
    account_id BIGINT NOT NULL CONSTRAINT sessions_account_fkey REFERENCES accounts (id),
    token_hash TEXT NOT NULL CONSTRAINT sessions_token_hash_key UNIQUE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT,
    revoked_reason TEXT CHECK (revoked_reason IN ('logout', 'superseded'))
  )`,
  `CREATE INDEX sessions_live_by_account ON sessions (account_id) WHERE revoked_at IS NULL`,
  `CREATE TABLE certificates (
    hash TEXT PRIMARY KEY,
    account_id BIGINT NOT NULL CONSTRAINT certificates_account_fkey REFERENCES accounts (id),
    session_id BIGINT NOT NULL CONSTRAINT certificates_session_fkey REFERENCES sessions (id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT
  )`,
  `CREATE INDEX certificates_by_session ON certificates (session_id)`,
  `CREATE TABLE games (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL CONSTRAINT games_name_key UNIQUE,
    min_players INTEGER NOT NULL,
    max_players INTEGER NOT NULL,
    module TEXT,
    CHECK (min_players >= 1 AND max_players >= min_players)
  )`,
  // One row per pair, smaller id first, so "are they friends" is one primary-key lookup.
  `CREATE TABLE friends (
    account_lo BIGINT NOT NULL CONSTRAINT friends_lo_fkey REFERENCES accounts (id),
    account_hi BIGINT NOT NULL CONSTRAINT friends_hi_fkey REFERENCES accounts (id),
    since BIGINT NOT NULL,
    CONSTRAINT friends_pkey PRIMARY KEY (account_lo, account_hi),
    CHECK (account_lo < account_hi)
  )`,
  `CREATE INDEX friends_by_hi ON friends (account_hi)`,
  `CREATE TABLE blocks (
    blocker_id BIGINT NOT NULL CONSTRAINT blocks_blocker_fkey REFERENCES accounts (id),
    blocked_id BIGINT NOT NULL CONSTRAINT blocks_blocked_fkey REFERENCES accounts (id),
    since BIGINT NOT NULL,
    CONSTRAINT blocks_pkey PRIMARY KEY (blocker_id, blocked_id),
    CHECK (blocker_id <> blocked_id)
  )`,
  `CREATE INDEX blocks_by_blocked ON blocks (blocked_id)`,
  `CREATE TABLE lobbies (
    id BIGSERIAL PRIMARY KEY,
    game_id BIGINT NOT NULL CONSTRAINT lobbies_game_fkey REFERENCES games (id),
    owner_id BIGINT NOT NULL CONSTRAINT lobbies_owner_fkey REFERENCES accounts (id),
    status TEXT NOT NULL CHECK (status IN ('open', 'full', 'starting', 'running', 'ended')),
    max_players INTEGER NOT NULL,
    created_at BIGINT NOT NULL,
    ended_at BIGINT,
    end_reason TEXT,
    server_host TEXT,
    server_port INTEGER,
    server_certificate BYTEA
  )`,
  // Matchmaking's "oldest open lobby of the game" and the server pool's "awaiting a server".
  `CREATE INDEX lobbies_by_game_status ON lobbies (game_id, status, id)`,
  `CREATE INDEX lobbies_by_status ON lobbies (status, id)`,
  `CREATE TABLE lobby_members (
    lobby_id BIGINT NOT NULL CONSTRAINT lobby_members_lobby_fkey REFERENCES lobbies (id),
    account_id BIGINT NOT NULL CONSTRAINT lobby_members_account_fkey REFERENCES accounts (id),
    joined_at BIGINT NOT NULL,
    active BOOLEAN NOT NULL,
    CONSTRAINT lobby_members_pkey PRIMARY KEY (lobby_id, account_id)
  )`,
  // One active lobby per account, held by the database even when two processes race.
  `CREATE UNIQUE INDEX lobby_members_one_active ON lobby_members (account_id) WHERE active`,
  `CREATE TABLE match_results (
    lobby_id BIGINT CONSTRAINT match_results_pkey PRIMARY KEY
      CONSTRAINT match_results_lobby_fkey REFERENCES lobbies (id),
    recorded_at BIGINT NOT NULL
  )`,
  `CREATE TABLE scores (
    lobby_id BIGINT NOT NULL CONSTRAINT scores_result_fkey REFERENCES match_results (lobby_id),
    account_id BIGINT NOT NULL CONSTRAINT scores_account_fkey REFERENCES accounts (id),
    game_id BIGINT NOT NULL CONSTRAINT scores_game_fkey REFERENCES games (id),
    score INTEGER NOT NULL,
    recorded_at BIGINT NOT NULL,
    CONSTRAINT scores_pkey PRIMARY KEY (lobby_id, account_id)
  )`,
  `CREATE INDEX scores_by_game ON scores (game_id, account_id)`,
  `CREATE INDEX scores_by_account ON scores (account_id, recorded_at)`,
];

export const MIGRATIONS: readonly Migration[] = [{ version: 1, statements: V1_SCHEMA }];

/** First key of the two-key advisory lock; the second is the schema, so test schemas don't contend. */
const MIGRATION_LOCK_CLASS = 0x50434c50; // 'PCLP'

/** Applies pending migrations; a second process starting at the same time waits, then finds them applied. */
export async function migrate(pool: pg.Pool, now: number = Date.now()): Promise<void> {
  await transaction(pool, async (client) => {
    // CREATE TABLE IF NOT EXISTS alone still races in the catalog (duplicate pg_type rows), so
    // everything below runs under the lock. coalesce: a NULL key would make the lock a no-op.
    await client.query(`SELECT pg_advisory_xact_lock($1, hashtext(coalesce(current_schema(), '')))`, [
      MIGRATION_LOCK_CLASS,
    ]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)',
    );
    const applied = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
    const done = new Set(applied.rows.map((row) => row.version));
    for (const migration of MIGRATIONS) {
      if (done.has(migration.version)) continue;
      for (const statement of migration.statements) await client.query(statement);
      await client.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [
        migration.version,
        now,
      ]);
    }
  });
}
