/**
 * Reading lobbies with their members. `load` runs inside whatever transaction the caller holds
 * (matchmaking returns the lobby it just changed); the public reads take one snapshot each, so
 * a lobby never comes back with members from a later commit than its status.
 */
import type { Lobby, LobbyMember, LobbyStatus } from '../types.js';
import type { Connection } from './connection.js';

export interface LobbyRow {
  id: number;
  game_id: number;
  owner_id: number;
  status: LobbyStatus;
  max_players: number;
  created_at: number;
  ended_at: number | null;
  end_reason: string | null;
  server_host: string | null;
  server_port: number | null;
  server_certificate: Buffer | null;
}

interface MemberRow {
  account_id: number;
  username: string;
  joined_at: number;
}

export const LOBBY_COLUMNS = `l.id, l.game_id, l.owner_id, l.status, l.max_players, l.created_at, l.ended_at, l.end_reason,
  l.server_host, l.server_port, l.server_certificate`;

/** SQL condition: lobby `l` has fewer members than its capacity. */
export const HAS_SPACE = '(SELECT COUNT(*) FROM lobby_members m WHERE m.lobby_id = l.id) < l.max_players';

export interface LobbyFilter {
  status?: readonly LobbyStatus[];
  gameId?: number;
  limit: number;
}

export class SqliteLobbyReads {
  constructor(private readonly conn: Connection) {}

  /** In the caller's transaction. */
  load(id: number): Lobby | null {
    const row = this.conn.statement<[number], LobbyRow>(`SELECT ${LOBBY_COLUMNS} FROM lobbies l WHERE l.id = ?`).get(id);
    return row === undefined ? null : this.withMembers(row);
  }

  get(id: number): Lobby | null {
    return this.conn.read(() => this.load(id));
  }

  list(filter: LobbyFilter): Lobby[] {
    return this.conn.read(() =>
      this.conn
        .statement<[{ statuses: string | null; gameId: number | null; limit: number }], LobbyRow>(
          `SELECT ${LOBBY_COLUMNS} FROM lobbies l
            WHERE (@statuses IS NULL OR l.status IN (SELECT value FROM json_each(@statuses)))
              AND (@gameId IS NULL OR l.game_id = @gameId)
            ORDER BY l.id LIMIT @limit`,
        )
        .all({
          // A JSON array binds a list of any length as one parameter.
          statuses: filter.status === undefined ? null : JSON.stringify(filter.status),
          gameId: filter.gameId ?? null,
          limit: filter.limit,
        })
        .map((row) => this.withMembers(row)),
    );
  }

  activeOf(accountId: number): Lobby | null {
    return this.conn.read(() => {
      const id = this.activeIdOf(accountId);
      return id === undefined ? null : this.load(id);
    });
  }

  /** The not-ended lobby the account is in: exactly what the one-active-member index covers. */
  activeIdOf(accountId: number): number | undefined {
    return this.conn
      .statement<[number], number>('SELECT lobby_id FROM lobby_members WHERE account_id = ? AND active = 1')
      .pluck()
      .get(accountId);
  }

  friendsLobbies(accountId: number): Lobby[] {
    return this.conn.read(() =>
      this.conn
        .statement<[{ me: number }], LobbyRow>(
          `SELECT ${LOBBY_COLUMNS} FROM lobbies l
            WHERE l.status = 'open' AND ${HAS_SPACE}
              AND EXISTS (
                SELECT 1 FROM lobby_members m
                 WHERE m.lobby_id = l.id
                   AND m.account_id IN (SELECT account_hi FROM friends WHERE account_lo = @me
                                        UNION ALL
                                        SELECT account_lo FROM friends WHERE account_hi = @me))
            ORDER BY l.id`,
        )
        .all({ me: accountId })
        .map((row) => this.withMembers(row)),
    );
  }

  awaitingServer(limit: number): Lobby[] {
    return this.conn.read(() =>
      this.conn
        .statement<[number], LobbyRow>(`SELECT ${LOBBY_COLUMNS} FROM lobbies l JOIN games g ON g.id = l.game_id
           WHERE l.status = 'full' AND g.module IS NOT NULL ORDER BY l.id LIMIT ?`)
        .all(limit)
        .map((row) => this.withMembers(row)),
    );
  }

  /** The lobby of `row` with its members (read in the caller's transaction). */
  withMembers(row: LobbyRow): Lobby {
    const members = this.conn
      .statement<[number], MemberRow>(
        `SELECT m.account_id, a.username, m.joined_at
           FROM lobby_members m JOIN accounts a ON a.id = m.account_id
          WHERE m.lobby_id = ?
          ORDER BY m.joined_at, m.account_id`,
      )
      .all(row.id)
      .map((m): LobbyMember => ({ accountId: m.account_id, username: m.username, joinedAt: m.joined_at }));
    const server =
      row.server_host !== null && row.server_port !== null && row.server_certificate !== null
        ? { host: row.server_host, port: row.server_port, certificate: new Uint8Array(row.server_certificate) }
        : null;
    return {
      id: row.id,
      gameId: row.game_id,
      ownerId: row.owner_id,
      status: row.status,
      maxPlayers: row.max_players,
      members,
      server,
      createdAt: row.created_at,
      endedAt: row.ended_at,
      endReason: row.end_reason,
    };
  }
}
