/** Reading lobbies with their members. */
import type { Lobby, LobbyStatus } from '../types.js';
import type { Queryable } from './db.js';
import { LOBBY_COLUMNS, toMember, toServer, type LobbyRow, type MemberRow } from './rows.js';

const DEFAULT_LIST_LIMIT = 100;

/** Attaches members (one query for all lobbies), keeping the rows' order. */
async function withMembers(db: Queryable, rows: readonly LobbyRow[]): Promise<Lobby[]> {
  if (rows.length === 0) return [];
  const members = await db.query<MemberRow>(
    `SELECT m.lobby_id, m.account_id, a.username, m.joined_at
       FROM lobby_members m JOIN accounts a ON a.id = m.account_id
      WHERE m.lobby_id = ANY($1::bigint[])
      ORDER BY m.joined_at, m.account_id`,
    [rows.map((row) => row.id)],
  );
  const byLobby = new Map<number, MemberRow[]>();
  for (const member of members.rows) {
    const list = byLobby.get(member.lobby_id);
    if (list === undefined) byLobby.set(member.lobby_id, [member]);
    else list.push(member);
  }
  return rows.map((row) => ({
    id: row.id,
    gameId: row.game_id,
    ownerId: row.owner_id,
    status: row.status,
    maxPlayers: row.max_players,
    members: (byLobby.get(row.id) ?? []).map(toMember),
    server: toServer(row),
    createdAt: row.created_at,
    endedAt: row.ended_at,
    endReason: row.end_reason,
  }));
}

export async function getLobby(db: Queryable, id: number): Promise<Lobby | null> {
  const result = await db.query<LobbyRow>(`SELECT ${LOBBY_COLUMNS} FROM lobbies WHERE id = $1`, [id]);
  const [lobby] = await withMembers(db, result.rows);
  return lobby ?? null;
}

export async function listLobbies(
  db: Queryable,
  filter: { status?: readonly LobbyStatus[]; gameId?: number; limit?: number } = {},
): Promise<Lobby[]> {
  // NULL parameters switch a condition off, so one statement serves every filter combination.
  const result = await db.query<LobbyRow>(
    `SELECT ${LOBBY_COLUMNS} FROM lobbies
      WHERE ($1::text[] IS NULL OR status = ANY($1::text[]))
        AND ($2::bigint IS NULL OR game_id = $2)
      ORDER BY id
      LIMIT $3`,
    [filter.status === undefined ? null : [...filter.status], filter.gameId ?? null, filter.limit ?? DEFAULT_LIST_LIMIT],
  );
  return withMembers(db, result.rows);
}

/** The lobby the account actively belongs to; `active` is cleared when a lobby ends. */
export async function activeLobbyId(db: Queryable, accountId: number): Promise<{ lobbyId: number; gameId: number } | null> {
  const result = await db.query<{ lobby_id: number; game_id: number }>(
    `SELECT m.lobby_id, l.game_id FROM lobby_members m JOIN lobbies l ON l.id = m.lobby_id
      WHERE m.account_id = $1 AND m.active`,
    [accountId],
  );
  const row = result.rows[0];
  return row === undefined ? null : { lobbyId: row.lobby_id, gameId: row.game_id };
}

export async function activeLobbyOf(db: Queryable, accountId: number): Promise<Lobby | null> {
  const active = await activeLobbyId(db, accountId);
  return active === null ? null : getLobby(db, active.lobbyId);
}

export async function friendsLobbies(db: Queryable, accountId: number): Promise<Lobby[]> {
  const result = await db.query<LobbyRow>(
    `SELECT ${LOBBY_COLUMNS} FROM lobbies l
      WHERE l.status = 'open'
        AND (SELECT count(*) FROM lobby_members m WHERE m.lobby_id = l.id) < l.max_players
        AND EXISTS (
          SELECT 1 FROM lobby_members m JOIN friends f
              ON (f.account_lo = $1 AND f.account_hi = m.account_id)
              OR (f.account_hi = $1 AND f.account_lo = m.account_id)
           WHERE m.lobby_id = l.id)
      ORDER BY l.id`,
    [accountId],
  );
  return withMembers(db, result.rows);
}

export async function lobbiesAwaitingServer(db: Queryable, limit: number): Promise<Lobby[]> {
  // A game without a module has no server to wait for: its full lobbies stay as they are.
  const result = await db.query<LobbyRow>(
    `SELECT ${LOBBY_COLUMNS} FROM lobbies
      WHERE status = 'full' AND game_id IN (SELECT id FROM games WHERE module IS NOT NULL)
      ORDER BY id
      LIMIT $1`,
    [limit],
  );
  return withMembers(db, result.rows);
}
