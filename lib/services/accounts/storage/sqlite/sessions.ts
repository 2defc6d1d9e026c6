/**
 * Sessions (bearer tokens, stored as SHA-256 hashes) and the certificates issued under them.
 */
import type { Account, Session } from '../types.js';
import type { Connection } from './connection.js';

interface SessionRow {
  id: number;
  account_id: number;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
  revoked_reason: 'logout' | 'superseded' | null;
}

const COLUMNS = 'id, account_id, created_at, expires_at, revoked_at, revoked_reason';

function toSession(row: SessionRow): Session {
  return {
    id: row.id,
    accountId: row.account_id,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    revokedReason: row.revoked_reason,
  };
}

export interface CertificateStatus {
  accountId: number;
  expiresAt: number;
  revoked: boolean;
}

export class SqliteSessions {
  constructor(private readonly conn: Connection) {}

  create(accountId: number, tokenHash: string, now: number, expiresAt: number): Session {
    return this.conn.write(() => {
      // A new login logs the account's older tokens out.
      this.conn
        .statement<[number, number, number]>(
          `UPDATE sessions SET revoked_at = ?, revoked_reason = 'superseded'
           WHERE account_id = ? AND revoked_at IS NULL AND expires_at > ?`,
        )
        .run(now, accountId, now);
      const row = this.conn
        .statement<[number, string, number, number], SessionRow>(
          `INSERT INTO sessions (account_id, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?)
           RETURNING ${COLUMNS}`,
        )
        .get(accountId, tokenHash, now, expiresAt);
      if (row === undefined) throw new Error('INSERT … RETURNING returned no row');
      return toSession(row);
    });
  }

  findOwner(tokenHash: string): { session: Session; account: Account } | null {
    const row = this.conn
      .statement<[string], SessionRow & { username: string; account_created_at: number }>(
        `SELECT s.id, s.account_id, s.created_at, s.expires_at, s.revoked_at, s.revoked_reason,
                a.username, a.created_at AS account_created_at
           FROM sessions s JOIN accounts a ON a.id = s.account_id
          WHERE s.token_hash = ?`,
      )
      .get(tokenHash);
    if (row === undefined) return null;
    return { session: toSession(row), account: { id: row.account_id, username: row.username, createdAt: row.account_created_at } };
  }

  findByTokenHash(tokenHash: string): Session | null {
    const row = this.conn
      .statement<[string], SessionRow>(`SELECT ${COLUMNS} FROM sessions WHERE token_hash = ?`)
      .get(tokenHash);
    return row === undefined ? null : toSession(row);
  }

  revoke(sessionId: number, now: number): boolean {
    return this.conn.write(() => {
      const { changes } = this.conn
        .statement<[number, number]>(
          `UPDATE sessions SET revoked_at = ?, revoked_reason = 'logout' WHERE id = ? AND revoked_at IS NULL`,
        )
        .run(now, sessionId);
      if (changes === 0) return false;
      // A game server validating one of its certificates online must see the logout too.
      this.conn
        .statement<[number, number]>(
          'UPDATE certificates SET revoked_at = ? WHERE session_id = ? AND revoked_at IS NULL',
        )
        .run(now, sessionId);
      return true;
    });
  }

  recordCertificate(accountId: number, sessionId: number, hash: string, now: number, expiresAt: number): void {
    // Equal hashes mean equal bytes: recording a certificate twice states one fact, not an error.
    this.conn
      .statement<[string, number, number, number, number]>(
        `INSERT INTO certificates (hash, account_id, session_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (hash) DO NOTHING`,
      )
      .run(hash, accountId, sessionId, now, expiresAt);
  }

  findCertificate(hash: string): CertificateStatus | null {
    const row = this.conn
      .statement<[string], { account_id: number; expires_at: number; revoked_at: number | null }>(
        'SELECT account_id, expires_at, revoked_at FROM certificates WHERE hash = ?',
      )
      .get(hash);
    if (row === undefined) return null;
    return { accountId: row.account_id, expiresAt: row.expires_at, revoked: row.revoked_at !== null };
  }
}
