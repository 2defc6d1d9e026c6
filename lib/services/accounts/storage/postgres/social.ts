/** Friendships (symmetric: one row per pair, lower id first) and blocks (directional). */
import type pg from 'pg';
import { ServiceError } from '../../errors.js';
import type { FriendEntry } from '../types.js';
import { lockAccounts } from './accounts.js';
import { firstRow, transaction, type Queryable } from './db.js';
import { toFriendEntry, type PeerRow } from './rows.js';

function pair(a: number, b: number): [number, number] {
  return a < b ? [a, b] : [b, a];
}

function rejectSelf(accountId: number, otherId: number): void {
  if (accountId === otherId) throw new ServiceError('BAD_REQUEST', 'an account cannot do that to itself');
}

export async function addFriend(pool: pg.Pool, accountId: number, friendId: number, now: number): Promise<FriendEntry> {
  rejectSelf(accountId, friendId);
  return transaction(pool, async (client) => {
    // Both account rows locked: a block() of the same pair cannot slip between check and insert.
    await lockAccounts(client, [accountId, friendId]);
    const blocked = await client.query(
      `SELECT 1 FROM blocks WHERE (blocker_id = $1 AND blocked_id = $2) OR (blocker_id = $2 AND blocked_id = $1)`,
      [accountId, friendId],
    );
    if (blocked.rows.length > 0) throw new ServiceError('BLOCKED');
    const [lo, hi] = pair(accountId, friendId);
    // A duplicate pair violates friends_pkey: ALREADY_FRIENDS (db.ts).
    await client.query('INSERT INTO friends (account_lo, account_hi, since) VALUES ($1, $2, $3)', [lo, hi, now]);
    const row = firstRow(
      await client.query<PeerRow>('SELECT id AS account_id, username, $2::bigint AS since FROM accounts WHERE id = $1', [
        friendId,
        now,
      ]),
    );
    if (row === null) throw new ServiceError('ACCOUNT_NOT_FOUND');
    return toFriendEntry(row);
  });
}

export async function removeFriend(db: Queryable, accountId: number, friendId: number): Promise<boolean> {
  const [lo, hi] = pair(accountId, friendId);
  const result = await db.query('DELETE FROM friends WHERE account_lo = $1 AND account_hi = $2', [lo, hi]);
  return result.rowCount === 1;
}

export async function listFriends(db: Queryable, accountId: number): Promise<FriendEntry[]> {
  const result = await db.query<PeerRow>(
    `SELECT a.id AS account_id, a.username, f.since
       FROM friends f
       JOIN accounts a ON a.id = CASE WHEN f.account_lo = $1 THEN f.account_hi ELSE f.account_lo END
      WHERE f.account_lo = $1 OR f.account_hi = $1
      ORDER BY a.username, a.id`,
    [accountId],
  );
  return result.rows.map(toFriendEntry);
}

export async function block(pool: pg.Pool, accountId: number, blockedId: number, now: number): Promise<void> {
  rejectSelf(accountId, blockedId);
  await transaction(pool, async (client) => {
    await lockAccounts(client, [accountId, blockedId]);
    const [lo, hi] = pair(accountId, blockedId);
    await client.query('DELETE FROM friends WHERE account_lo = $1 AND account_hi = $2', [lo, hi]);
    // Idempotent: blocking again keeps the original date.
    await client.query(
      'INSERT INTO blocks (blocker_id, blocked_id, since) VALUES ($1, $2, $3) ON CONFLICT (blocker_id, blocked_id) DO NOTHING',
      [accountId, blockedId, now],
    );
  });
}

export async function unblock(db: Queryable, accountId: number, blockedId: number): Promise<boolean> {
  const result = await db.query('DELETE FROM blocks WHERE blocker_id = $1 AND blocked_id = $2', [accountId, blockedId]);
  return result.rowCount === 1;
}

export async function listBlocked(db: Queryable, accountId: number): Promise<FriendEntry[]> {
  const result = await db.query<PeerRow>(
    `SELECT a.id AS account_id, a.username, b.since
       FROM blocks b JOIN accounts a ON a.id = b.blocked_id
      WHERE b.blocker_id = $1
      ORDER BY a.username, a.id`,
    [accountId],
  );
  return result.rows.map(toFriendEntry);
}
