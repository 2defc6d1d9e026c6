/**
 * Friends (symmetric: one row per pair, smaller id first) and blocks (directional: A blocking B
 * says nothing about B's view of A, but either direction stops a friendship).
 */
import { ServiceError } from '../../errors.js';
import type { FriendEntry } from '../types.js';
import type { Connection } from './connection.js';

interface EntryRow {
  account_id: number;
  username: string;
  since: number;
}

function toEntry(row: EntryRow): FriendEntry {
  return { accountId: row.account_id, username: row.username, since: row.since };
}

/** The friends table's key for a pair, whichever side asks. */
function pair(a: number, b: number): [lo: number, hi: number] {
  return a < b ? [a, b] : [b, a];
}

export class SqliteSocial {
  constructor(private readonly conn: Connection) {}

  addFriend(accountId: number, friendId: number, now: number): FriendEntry {
    if (accountId === friendId) throw new ServiceError('BAD_REQUEST', 'an account cannot befriend itself');
    return this.conn.write(() => {
      const username = this.usernameOf(friendId);
      const blocked = this.conn
        .statement<[number, number, number, number], number>(
          `SELECT 1 FROM blocks WHERE (blocker_id = ? AND blocked_id = ?) OR (blocker_id = ? AND blocked_id = ?)`,
        )
        .pluck()
        .get(accountId, friendId, friendId, accountId);
      if (blocked !== undefined) throw new ServiceError('BLOCKED');
      const { changes } = this.conn
        .statement<[number, number, number]>(
          'INSERT INTO friends (account_lo, account_hi, since) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
        )
        .run(...pair(accountId, friendId), now);
      if (changes === 0) throw new ServiceError('ALREADY_FRIENDS');
      return { accountId: friendId, username, since: now };
    });
  }

  removeFriend(accountId: number, friendId: number): boolean {
    const { changes } = this.conn
      .statement<[number, number]>('DELETE FROM friends WHERE account_lo = ? AND account_hi = ?')
      .run(...pair(accountId, friendId));
    return changes > 0;
  }

  listFriends(accountId: number): FriendEntry[] {
    return this.conn
      .statement<[{ me: number }], EntryRow>(
        `SELECT a.id AS account_id, a.username, f.since
           FROM friends f JOIN accounts a ON a.id = f.account_hi WHERE f.account_lo = @me
         UNION ALL
         SELECT a.id, a.username, f.since
           FROM friends f JOIN accounts a ON a.id = f.account_lo WHERE f.account_hi = @me
         ORDER BY username, account_id`,
      )
      .all({ me: accountId })
      .map(toEntry);
  }

  block(accountId: number, blockedId: number, now: number): void {
    if (accountId === blockedId) throw new ServiceError('BAD_REQUEST', 'an account cannot block itself');
    this.conn.write(() => {
      this.usernameOf(blockedId);
      // Blocking twice keeps the first `since`.
      this.conn
        .statement<[number, number, number]>(
          'INSERT INTO blocks (blocker_id, blocked_id, since) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
        )
        .run(accountId, blockedId, now);
      this.conn
        .statement<[number, number]>('DELETE FROM friends WHERE account_lo = ? AND account_hi = ?')
        .run(...pair(accountId, blockedId));
    });
  }

  unblock(accountId: number, blockedId: number): boolean {
    const { changes } = this.conn
      .statement<[number, number]>('DELETE FROM blocks WHERE blocker_id = ? AND blocked_id = ?')
      .run(accountId, blockedId);
    return changes > 0;
  }

  listBlocked(accountId: number): FriendEntry[] {
    return this.conn
      .statement<[number], EntryRow>(
        `SELECT a.id AS account_id, a.username, b.since
           FROM blocks b JOIN accounts a ON a.id = b.blocked_id
          WHERE b.blocker_id = ?
          ORDER BY a.username, a.id`,
      )
      .all(accountId)
      .map(toEntry);
  }

  /** ACCOUNT_NOT_FOUND rather than a foreign-key error for a stale or made-up id. */
  private usernameOf(accountId: number): string {
    const username = this.conn
      .statement<[number], string>('SELECT username FROM accounts WHERE id = ?')
      .pluck()
      .get(accountId);
    if (username === undefined) throw new ServiceError('ACCOUNT_NOT_FOUND');
    return username;
  }
}
