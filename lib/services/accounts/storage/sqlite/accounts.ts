/**
 * Accounts: creation and lookup. Usernames compare with SQLite's default BINARY collation, so
 * byte for byte and case-sensitive, and only ever with `=`: never LIKE, whose `%` and `_` would
 * match other names.
 */
import { ServiceError } from '../../errors.js';
import type { Account, AccountWithPassword } from '../types.js';
import type { Connection } from './connection.js';

interface AccountRow {
  id: number;
  username: string;
  password_hash: string;
  created_at: number;
}

const COLUMNS = 'id, username, password_hash, created_at';

function toAccount(row: AccountRow): Account {
  return { id: row.id, username: row.username, createdAt: row.created_at };
}

export class SqliteAccounts {
  constructor(private readonly conn: Connection) {}

  create(username: string, passwordHash: string, now: number): Account {
    // ON CONFLICT DO NOTHING instead of check-then-insert: the UNIQUE index decides, atomically.
    const row = this.conn
      .statement<[string, string, number], AccountRow>(
        `INSERT INTO accounts (username, password_hash, created_at) VALUES (?, ?, ?)
         ON CONFLICT (username) DO NOTHING RETURNING ${COLUMNS}`,
      )
      .get(username, passwordHash, now);
    if (row === undefined) throw new ServiceError('USERNAME_TAKEN');
    return toAccount(row);
  }

  findByUsername(username: string): AccountWithPassword | null {
    const row = this.conn
      .statement<[string], AccountRow>(`SELECT ${COLUMNS} FROM accounts WHERE username = ?`)
      .get(username);
    return row === undefined ? null : { ...toAccount(row), passwordHash: row.password_hash };
  }

  get(id: number): Account | null {
    const row = this.conn.statement<[number], AccountRow>(`SELECT ${COLUMNS} FROM accounts WHERE id = ?`).get(id);
    return row === undefined ? null : toAccount(row);
  }
}
