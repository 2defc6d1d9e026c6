/** Accounts, sessions and the certificates issued under them. */
import type pg from 'pg';
import { ServiceError } from '../../errors.js';
import type { Account, AccountWithPassword, Session } from '../types.js';
import { firstRow, transaction, translateError, type Queryable } from './db.js';
import { ACCOUNT_COLUMNS, SESSION_COLUMNS, toAccount, toAccountWithPassword, toSession, type AccountRow, type SessionRow } from './rows.js';

export async function createAccount(pool: pg.Pool, username: string, passwordHash: string, now: number): Promise<Account> {
  // No pre-check: the unique constraint decides a race between two registrations (USERNAME_TAKEN).
  return transaction(pool, async (client) => {
    const result = await client.query<AccountRow>(
      `INSERT INTO accounts (username, password_hash, created_at) VALUES ($1, $2, $3) RETURNING ${ACCOUNT_COLUMNS}`,
      [username, passwordHash, now],
    );
    const row = firstRow(result);
    if (row === null) throw new Error('INSERT … RETURNING returned no row');
    return toAccount(row);
  });
}

export async function findAccountByUsername(db: Queryable, username: string): Promise<AccountWithPassword | null> {
  const row = firstRow(await db.query<AccountRow>(`SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE username = $1`, [username]));
  return row === null ? null : toAccountWithPassword(row);
}

export async function getAccount(db: Queryable, id: number): Promise<Account | null> {
  const row = firstRow(await db.query<AccountRow>(`SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE id = $1`, [id]));
  return row === null ? null : toAccount(row);
}

/**
 * Locks the account row so that per-account read-then-write sequences (two logins at once, a
 * friendship against a block) serialise across processes. NO KEY UPDATE: foreign-key checks of
 * unrelated inserts referencing the account (KEY SHARE) are not blocked.
 */
export async function lockAccounts(client: pg.PoolClient, ids: readonly number[]): Promise<void> {
  const sorted = [...new Set(ids)].sort((a, b) => a - b); // one order everywhere: no deadlocks
  const result = await client.query<{ id: number }>(
    'SELECT id FROM accounts WHERE id = ANY($1::bigint[]) ORDER BY id FOR NO KEY UPDATE',
    [sorted],
  );
  if (result.rows.length !== sorted.length) throw new ServiceError('ACCOUNT_NOT_FOUND');
}

export async function createSession(
  pool: pg.Pool,
  accountId: number,
  tokenHash: string,
  now: number,
  expiresAt: number,
): Promise<Session> {
  return transaction(pool, async (client) => {
    await lockAccounts(client, [accountId]);
    // Live = neither revoked nor expired; an expired token keeps reporting TOKEN_EXPIRED.
    await client.query(
      `UPDATE sessions SET revoked_at = $2, revoked_reason = 'superseded'
        WHERE account_id = $1 AND revoked_at IS NULL AND expires_at > $2`,
      [accountId, now],
    );
    const row = firstRow(
      await client.query<SessionRow>(
        `INSERT INTO sessions (account_id, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4)
         RETURNING ${SESSION_COLUMNS}`,
        [accountId, tokenHash, now, expiresAt],
      ),
    );
    if (row === null) throw new Error('INSERT … RETURNING returned no row');
    return toSession(row);
  });
}

export async function findSessionByTokenHash(db: Queryable, tokenHash: string): Promise<Session | null> {
  const row = firstRow(await db.query<SessionRow>(`SELECT ${SESSION_COLUMNS} FROM sessions WHERE token_hash = $1`, [tokenHash]));
  return row === null ? null : toSession(row);
}

export async function findTokenOwner(db: Queryable, tokenHash: string): Promise<{ session: Session; account: Account } | null> {
  const row = firstRow(
    await db.query<SessionRow & { username: string; account_created_at: number }>(
      `SELECT s.id, s.account_id, s.created_at, s.expires_at, s.revoked_at, s.revoked_reason,
              a.username, a.created_at AS account_created_at
         FROM sessions s JOIN accounts a ON a.id = s.account_id
        WHERE s.token_hash = $1`,
      [tokenHash],
    ),
  );
  if (row === null) return null;
  return { session: toSession(row), account: { id: row.account_id, username: row.username, createdAt: row.account_created_at } };
}

export async function revokeSession(pool: pg.Pool, sessionId: number, now: number): Promise<boolean> {
  return transaction(pool, async (client) => {
    // The conditional UPDATE is the check: of two concurrent logouts exactly one sees a row.
    const revoked = await client.query(
      `UPDATE sessions SET revoked_at = $2, revoked_reason = 'logout' WHERE id = $1 AND revoked_at IS NULL`,
      [sessionId, now],
    );
    if (revoked.rowCount !== 1) return false;
    await client.query('UPDATE certificates SET revoked_at = $2 WHERE session_id = $1 AND revoked_at IS NULL', [sessionId, now]);
    return true;
  });
}

export async function recordCertificate(
  db: Queryable,
  accountId: number,
  sessionId: number,
  certificateHash: string,
  now: number,
  expiresAt: number,
): Promise<void> {
  // The hash covers the whole certificate, so a repeat is the same certificate: keep the first.
  try {
    await db.query(
      `INSERT INTO certificates (hash, account_id, session_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (hash) DO NOTHING`,
      [certificateHash, accountId, sessionId, now, expiresAt],
    );
  } catch (e) {
    throw translateError(e);
  }
}

export async function findCertificate(
  db: Queryable,
  certificateHash: string,
): Promise<{ accountId: number; expiresAt: number; revoked: boolean } | null> {
  const row = firstRow(
    await db.query<{ account_id: number; expires_at: number; revoked: boolean }>(
      'SELECT account_id, expires_at, revoked_at IS NOT NULL AS revoked FROM certificates WHERE hash = $1',
      [certificateHash],
    ),
  );
  return row === null ? null : { accountId: row.account_id, expiresAt: row.expires_at, revoked: row.revoked };
}
