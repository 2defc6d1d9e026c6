/**
 * Lobby membership and status changes. Lock order, wherever a function takes more than one, so
 * that concurrent transactions (in any process) cannot deadlock each other: game row, then lobby
 * row, then member rows. Whoever changes a lobby's members holds its row lock, so a member count
 * read under that lock stays true until commit; matchmaking also holds the game's row lock, so
 * two callers never both find "no open lobby" and both create one. Invariant kept here: a lobby
 * is 'open' exactly while it has fewer than max_players members (a join that takes the last seat
 * makes it 'full', a leave from a full one reopens it), so "open" means "has space".
 */
import type pg from 'pg';
import { ServiceError } from '../../errors.js';
import type { JoinOutcome, Lobby, LobbyServer, LobbyStatus } from '../types.js';
import { firstRow, transaction } from './db.js';
import { lockGame } from './games.js';
import { activeLobbyId, getLobby } from './lobbies.js';
import { LOBBY_COLUMNS, type GameRow, type LobbyRow } from './rows.js';

/** The only moves the server pool makes (as in the SQLite implementation); anything else is a caller bug. */
const TRANSITIONS: ReadonlySet<string> = new Set(['full>starting', 'starting>running']);

async function lockLobby(client: pg.PoolClient, id: number): Promise<LobbyRow | null> {
  return firstRow(await client.query<LobbyRow>(`SELECT ${LOBBY_COLUMNS} FROM lobbies WHERE id = $1 FOR UPDATE`, [id]));
}

async function lockGameOrThrow(client: pg.PoolClient, gameId: number): Promise<GameRow> {
  const game = await lockGame(client, gameId);
  if (game === null) throw new ServiceError('GAME_NOT_FOUND');
  return game;
}

async function memberCount(client: pg.PoolClient, lobbyId: number): Promise<number> {
  const row = firstRow(await client.query<{ n: number }>('SELECT count(*) AS n FROM lobby_members WHERE lobby_id = $1', [lobbyId]));
  return row?.n ?? 0;
}

async function reload(client: pg.PoolClient, lobbyId: number): Promise<Lobby> {
  const lobby = await getLobby(client, lobbyId);
  if (lobby === null) throw new Error(`lobby ${lobbyId} vanished inside its own transaction`);
  return lobby;
}

async function insertMember(client: pg.PoolClient, lobbyId: number, accountId: number, now: number): Promise<void> {
  // lobby_members_one_active turns a race with a join elsewhere into ALREADY_IN_LOBBY (db.ts).
  await client.query('INSERT INTO lobby_members (lobby_id, account_id, joined_at, active) VALUES ($1, $2, $3, TRUE)', [
    lobbyId,
    accountId,
    now,
  ]);
}

async function insertLobby(client: pg.PoolClient, game: GameRow, accountId: number, now: number): Promise<JoinOutcome> {
  // A one-player game is full as soon as it exists.
  const becameFull = game.max_players <= 1;
  const row = firstRow(
    await client.query<{ id: number }>(
      `INSERT INTO lobbies (game_id, owner_id, status, max_players, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [game.id, accountId, becameFull ? 'full' : 'open', game.max_players, now],
    ),
  );
  if (row === null) throw new Error('INSERT … RETURNING returned no row');
  await insertMember(client, row.id, accountId, now);
  return { lobby: await reload(client, row.id), created: true, becameFull };
}

/** `lobby` is locked, open, and `count` (< max_players) was read under the lock. */
async function addMember(client: pg.PoolClient, lobby: LobbyRow, count: number, accountId: number, now: number): Promise<JoinOutcome> {
  await insertMember(client, lobby.id, accountId, now);
  const becameFull = count + 1 >= lobby.max_players;
  if (becameFull) await client.query(`UPDATE lobbies SET status = 'full' WHERE id = $1`, [lobby.id]);
  return { lobby: await reload(client, lobby.id), created: false, becameFull };
}

export async function createLobby(pool: pg.Pool, gameId: number, accountId: number, now: number): Promise<JoinOutcome> {
  return transaction(pool, async (client) => {
    const game = await lockGameOrThrow(client, gameId);
    if ((await activeLobbyId(client, accountId)) !== null) throw new ServiceError('ALREADY_IN_LOBBY');
    return insertLobby(client, game, accountId, now);
  });
}

export async function findOrCreateLobby(pool: pg.Pool, gameId: number, accountId: number, now: number): Promise<JoinOutcome> {
  return transaction(pool, async (client) => {
    const game = await lockGameOrThrow(client, gameId);
    const active = await activeLobbyId(client, accountId);
    if (active !== null) {
      if (active.gameId !== gameId) throw new ServiceError('ALREADY_IN_LOBBY');
      return { lobby: await reload(client, active.lobbyId), created: false, becameFull: false };
    }
    // Candidates are read unlocked, then locked and re-checked: a join without matchmaking, a
    // leave or an end may have changed one in between. The cursor only moves forward, and no
    // lobby of this game can be created meanwhile (game lock), so this ends.
    let after = 0;
    for (;;) {
      const candidate = firstRow(
        await client.query<{ id: number }>(
          `SELECT id FROM lobbies WHERE game_id = $1 AND status = 'open' AND id > $2 ORDER BY id LIMIT 1`,
          [gameId, after],
        ),
      );
      if (candidate === null) return insertLobby(client, game, accountId, now);
      after = candidate.id;
      const lobby = await lockLobby(client, candidate.id);
      if (lobby === null || lobby.status !== 'open') continue;
      const count = await memberCount(client, lobby.id);
      if (count < lobby.max_players) return addMember(client, lobby, count, accountId, now);
    }
  });
}

export async function joinLobby(pool: pg.Pool, lobbyId: number, accountId: number, now: number): Promise<JoinOutcome> {
  return transaction(pool, async (client) => {
    // game_id never changes, so reading it unlocked to take the game lock first is safe.
    const target = firstRow(await client.query<{ game_id: number }>('SELECT game_id FROM lobbies WHERE id = $1', [lobbyId]));
    if (target === null) throw new ServiceError('LOBBY_NOT_FOUND');
    await lockGameOrThrow(client, target.game_id);
    const lobby = await lockLobby(client, lobbyId);
    if (lobby === null) throw new ServiceError('LOBBY_NOT_FOUND');
    // The same order of checks as the SQLite implementation, so both report the same code.
    if ((await activeLobbyId(client, accountId)) !== null) throw new ServiceError('ALREADY_IN_LOBBY');
    if (lobby.status === 'full') throw new ServiceError('LOBBY_FULL');
    if (lobby.status !== 'open') throw new ServiceError('LOBBY_CLOSED');
    const count = await memberCount(client, lobby.id);
    if (count >= lobby.max_players) throw new ServiceError('LOBBY_FULL');
    return addMember(client, lobby, count, accountId, now);
  });
}

export async function leaveLobby(pool: pg.Pool, lobbyId: number, accountId: number, now: number): Promise<Lobby> {
  return transaction(pool, async (client) => {
    const lobby = await lockLobby(client, lobbyId);
    if (lobby === null) throw new ServiceError('LOBBY_NOT_FOUND');
    const left = await client.query('SELECT 1 FROM lobby_members WHERE lobby_id = $1 AND account_id = $2', [lobbyId, accountId]);
    if (left.rows.length === 0) throw new ServiceError('FORBIDDEN', 'the account is not a member of this lobby');
    // A full lobby whose server has not started can still lose a player; a starting or running
    // one is left by disconnecting from its server. Under the row lock, transitionLobby's guarded
    // UPDATE (status = 'full') cannot interleave: it sees either the full lobby or the reopened one.
    if (lobby.status !== 'open' && lobby.status !== 'full') throw new ServiceError('LOBBY_CLOSED');
    await client.query('DELETE FROM lobby_members WHERE lobby_id = $1 AND account_id = $2', [lobbyId, accountId]);
    const next = firstRow(
      await client.query<{ account_id: number }>(
        'SELECT account_id FROM lobby_members WHERE lobby_id = $1 ORDER BY joined_at, account_id LIMIT 1',
        [lobbyId],
      ),
    );
    if (next === null) {
      await client.query(`UPDATE lobbies SET status = 'ended', ended_at = $2, end_reason = 'abandoned' WHERE id = $1`, [lobbyId, now]);
    } else {
      // It has a free seat now: a full lobby takes players again.
      const owner = lobby.owner_id === accountId ? next.account_id : lobby.owner_id;
      await client.query(`UPDATE lobbies SET owner_id = $2, status = 'open' WHERE id = $1`, [lobbyId, owner]);
    }
    return reload(client, lobbyId);
  });
}

export async function transitionLobby(
  pool: pg.Pool,
  lobbyId: number,
  from: LobbyStatus,
  to: 'starting' | 'running',
  server?: LobbyServer,
): Promise<boolean> {
  if (!TRANSITIONS.has(`${from}>${to}`)) throw new ServiceError('BAD_REQUEST', `a lobby does not move ${from} → ${to}`);
  if (to === 'running' && server === undefined) {
    throw new ServiceError('BAD_REQUEST', 'a running lobby needs its server address and certificate');
  }
  // The status in WHERE is the check: a lobby ended (or reopened) meanwhile is left alone.
  const result =
    server === undefined
      ? await pool.query('UPDATE lobbies SET status = $3 WHERE id = $1 AND status = $2', [lobbyId, from, to])
      : await pool.query(
          `UPDATE lobbies SET status = $3, server_host = $4, server_port = $5, server_certificate = $6
            WHERE id = $1 AND status = $2`,
          [lobbyId, from, to, server.host, server.port, Buffer.from(server.certificate)],
        );
  return result.rowCount === 1;
}

export async function endLobby(pool: pg.Pool, lobbyId: number, reason: string, now: number): Promise<boolean> {
  return transaction(pool, async (client) => {
    const ended = await client.query(
      `UPDATE lobbies SET status = 'ended', ended_at = $2, end_reason = $3 WHERE id = $1 AND status <> 'ended'`,
      [lobbyId, now, reason],
    );
    if (ended.rowCount !== 1) return false;
    // Frees the members for their next lobby; the rows stay, as the record of who played.
    await client.query('UPDATE lobby_members SET active = FALSE WHERE lobby_id = $1', [lobbyId]);
    return true;
  });
}
