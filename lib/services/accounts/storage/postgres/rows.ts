/** Row shapes as pg returns them (BIGINT already numbers, see pool.ts) and their domain objects. */
import type { Account, AccountWithPassword, FriendEntry, Game, LobbyMember, LobbyServer, LobbyStatus, Session } from '../types.js';

export const ACCOUNT_COLUMNS = 'id, username, created_at, password_hash';

export interface AccountRow {
  readonly id: number;
  readonly username: string;
  readonly created_at: number;
  readonly password_hash: string;
}

export function toAccount(row: AccountRow): Account {
  return { id: row.id, username: row.username, createdAt: row.created_at };
}

export function toAccountWithPassword(row: AccountRow): AccountWithPassword {
  return { ...toAccount(row), passwordHash: row.password_hash };
}

export const SESSION_COLUMNS = 'id, account_id, created_at, expires_at, revoked_at, revoked_reason';

export interface SessionRow {
  readonly id: number;
  readonly account_id: number;
  readonly created_at: number;
  readonly expires_at: number;
  readonly revoked_at: number | null;
  readonly revoked_reason: 'logout' | 'superseded' | null;
}

export function toSession(row: SessionRow): Session {
  return {
    id: row.id,
    accountId: row.account_id,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    revokedReason: row.revoked_reason,
  };
}

export const GAME_COLUMNS = 'id, name, min_players, max_players, module';

export interface GameRow {
  readonly id: number;
  readonly name: string;
  readonly min_players: number;
  readonly max_players: number;
  readonly module: string | null;
}

export function toGame(row: GameRow): Game {
  return { id: row.id, name: row.name, minPlayers: row.min_players, maxPlayers: row.max_players, module: row.module };
}

/** Friends and blocked accounts: the other account, its name, and since when. */
export interface PeerRow {
  readonly account_id: number;
  readonly username: string;
  readonly since: number;
}

export function toFriendEntry(row: PeerRow): FriendEntry {
  return { accountId: row.account_id, username: row.username, since: row.since };
}

export const LOBBY_COLUMNS =
  'id, game_id, owner_id, status, max_players, created_at, ended_at, end_reason, server_host, server_port, server_certificate';

export interface LobbyRow {
  readonly id: number;
  readonly game_id: number;
  readonly owner_id: number;
  readonly status: LobbyStatus;
  readonly max_players: number;
  readonly created_at: number;
  readonly ended_at: number | null;
  readonly end_reason: string | null;
  readonly server_host: string | null;
  readonly server_port: number | null;
  readonly server_certificate: Buffer | null;
}

export interface MemberRow {
  readonly lobby_id: number;
  readonly account_id: number;
  readonly username: string;
  readonly joined_at: number;
}

export function toMember(row: MemberRow): LobbyMember {
  return { accountId: row.account_id, username: row.username, joinedAt: row.joined_at };
}

export function toServer(row: LobbyRow): LobbyServer | null {
  if (row.server_host === null || row.server_port === null || row.server_certificate === null) return null;
  // A plain Uint8Array copy: callers compare and keep it without holding pg's Buffer.
  return { host: row.server_host, port: row.server_port, certificate: Uint8Array.from(row.server_certificate) };
}
