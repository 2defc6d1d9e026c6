/** Transactions and the translation of constraint violations into catalogue codes. */
import pg from 'pg';
import { ServiceError, type ServiceErrorCodeName } from '../../errors.js';

/** A pool or a client inside a transaction: both run single statements. */
export interface Queryable {
  query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}

/**
 * Constraint names (given explicitly in migrations.ts) whose violation is a domain failure
 * rather than a bug. The database is the final arbiter when two transactions race past a check.
 */
const CONSTRAINT_CODES: Readonly<Record<string, ServiceErrorCodeName>> = {
  accounts_username_key: 'USERNAME_TAKEN',
  friends_pkey: 'ALREADY_FRIENDS',
  lobby_members_pkey: 'ALREADY_IN_LOBBY',
  lobby_members_one_active: 'ALREADY_IN_LOBBY',
  match_results_pkey: 'RESULTS_RECORDED',
  scores_pkey: 'BAD_REQUEST',
  sessions_account_fkey: 'ACCOUNT_NOT_FOUND',
  certificates_account_fkey: 'ACCOUNT_NOT_FOUND',
  friends_lo_fkey: 'ACCOUNT_NOT_FOUND',
  friends_hi_fkey: 'ACCOUNT_NOT_FOUND',
  blocks_blocker_fkey: 'ACCOUNT_NOT_FOUND',
  blocks_blocked_fkey: 'ACCOUNT_NOT_FOUND',
  lobbies_owner_fkey: 'ACCOUNT_NOT_FOUND',
  lobby_members_account_fkey: 'ACCOUNT_NOT_FOUND',
  lobbies_game_fkey: 'GAME_NOT_FOUND',
};

const UNIQUE_VIOLATION = '23505';
const FOREIGN_KEY_VIOLATION = '23503';
/** serialization_failure, deadlock_detected: the transaction did nothing and may simply rerun. */
const RETRYABLE = new Set(['40001', '40P01']);
const MAX_ATTEMPTS = 5;

export function translateError(e: unknown): unknown {
  if (e instanceof pg.DatabaseError && (e.code === UNIQUE_VIOLATION || e.code === FOREIGN_KEY_VIOLATION)) {
    const code = e.constraint === undefined ? undefined : CONSTRAINT_CODES[e.constraint];
    if (code !== undefined) return new ServiceError(code);
  }
  return e;
}

function isRetryable(e: unknown): boolean {
  return e instanceof pg.DatabaseError && e.code !== undefined && RETRYABLE.has(e.code);
}

/**
 * Runs `work` in one READ COMMITTED transaction on a dedicated connection; `work` takes the
 * row or advisory locks it needs. Reruns it when PostgreSQL aborted it as a deadlock victim.
 */
export async function transaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (e) {
      try {
        await client.query('ROLLBACK');
      } catch (rollbackError) {
        // A connection that cannot roll back must not go back to the pool.
        broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
      }
      if (attempt < MAX_ATTEMPTS && isRetryable(e)) continue;
      throw translateError(e);
    } finally {
      client.release(broken);
    }
  }
}

/** The first row, or null: most lookups expect at most one. */
export function firstRow<R extends pg.QueryResultRow>(result: pg.QueryResult<R>): R | null {
  return result.rows[0] ?? null;
}
