/**
 * Creating, joining and leaving lobbies. Every method reads then writes under BEGIN IMMEDIATE,
 * so two service processes on one file never both put a player into a lobby's last seat; the
 * one-active-member unique index backs the "one lobby per account" rule up at the bottom.
 */
import { ServiceError } from '../../errors.js';
import type { JoinOutcome, Lobby, LobbyStatus } from '../types.js';
import type { Connection } from './connection.js';
import type { SqliteGames } from './games.js';
import { HAS_SPACE, LOBBY_COLUMNS, type LobbyRow, type SqliteLobbyReads } from './lobby-reads.js';

export class SqliteMatchmaking {
  constructor(
    private readonly conn: Connection,
    private readonly reads: SqliteLobbyReads,
    private readonly games: SqliteGames,
  ) {}

  create(gameId: number, accountId: number, now: number): JoinOutcome {
    return this.conn.write(() => {
      const maxPlayers = this.maxPlayersOf(gameId);
      if (this.reads.activeIdOf(accountId) !== undefined) throw new ServiceError('ALREADY_IN_LOBBY');
      return this.openLobby(gameId, accountId, maxPlayers, now);
    });
  }

  findOrCreate(gameId: number, accountId: number, now: number): JoinOutcome {
    return this.conn.write(() => {
      const maxPlayers = this.maxPlayersOf(gameId);
      const current = this.reads.activeIdOf(accountId);
      if (current !== undefined) {
        const lobby = this.mustLoad(current);
        // Asking again (a retried request, a second tab) finds the same seat.
        if (lobby.gameId === gameId) return { lobby, created: false, becameFull: false };
        throw new ServiceError('ALREADY_IN_LOBBY');
      }
      // The hot path of matchmaking: the candidate comes back whole with its member count, so a
      // join costs one read, one insert, the members read for the reply, and an update only for
      // the seat that fills the lobby.
      const oldest = this.conn
        .statement<[number], LobbyRow & { seated: number }>(
          `SELECT ${LOBBY_COLUMNS}, (SELECT COUNT(*) FROM lobby_members m WHERE m.lobby_id = l.id) AS seated
             FROM lobbies l
            WHERE l.game_id = ? AND l.status = 'open' AND ${HAS_SPACE}
            ORDER BY l.id LIMIT 1`,
        )
        .get(gameId);
      if (oldest === undefined) return this.openLobby(gameId, accountId, maxPlayers, now);
      this.insertMember(oldest.id, accountId, now);
      const becameFull = oldest.seated + 1 >= oldest.max_players;
      if (becameFull) this.conn.statement<[number]>(`UPDATE lobbies SET status = 'full' WHERE id = ?`).run(oldest.id);
      const lobby = this.reads.withMembers({ ...oldest, status: becameFull ? 'full' : oldest.status });
      return { lobby, created: false, becameFull };
    });
  }

  join(lobbyId: number, accountId: number, now: number): JoinOutcome {
    return this.conn.write(() => {
      const target = this.conn
        .statement<[number], { status: LobbyStatus; has_space: number }>(
          `SELECT l.status, ${HAS_SPACE} AS has_space FROM lobbies l WHERE l.id = ?`,
        )
        .get(lobbyId);
      if (target === undefined) throw new ServiceError('LOBBY_NOT_FOUND');
      if (this.reads.activeIdOf(accountId) !== undefined) throw new ServiceError('ALREADY_IN_LOBBY');
      if (target.status === 'full' || (target.status === 'open' && target.has_space === 0)) {
        throw new ServiceError('LOBBY_FULL');
      }
      if (target.status !== 'open') throw new ServiceError('LOBBY_CLOSED');
      const becameFull = this.addMember(lobbyId, accountId, now);
      return { lobby: this.mustLoad(lobbyId), created: false, becameFull };
    });
  }

  leave(lobbyId: number, accountId: number, now: number): Lobby {
    return this.conn.write(() => {
      const lobby = this.reads.load(lobbyId);
      if (lobby === null) throw new ServiceError('LOBBY_NOT_FOUND');
      if (!lobby.members.some((m) => m.accountId === accountId)) throw new ServiceError('FORBIDDEN');
      if (lobby.status !== 'open' && lobby.status !== 'full') throw new ServiceError('LOBBY_CLOSED');
      this.conn
        .statement<[number, number]>('DELETE FROM lobby_members WHERE lobby_id = ? AND account_id = ?')
        .run(lobbyId, accountId);
      // Members are ordered by joinedAt, then id: the first one left is the longest waiting.
      const next = lobby.members.find((m) => m.accountId !== accountId);
      if (next === undefined) {
        this.conn
          .statement<[number, number]>(
            `UPDATE lobbies SET status = 'ended', ended_at = ?, end_reason = 'abandoned' WHERE id = ?`,
          )
          .run(now, lobbyId);
      } else {
        // a full lobby that loses a member (no server started yet) takes players again
        const owner = lobby.ownerId === accountId ? next.accountId : lobby.ownerId;
        this.conn.statement<[number, number]>(`UPDATE lobbies SET owner_id = ?, status = 'open' WHERE id = ?`).run(owner, lobbyId);
      }
      return this.mustLoad(lobbyId);
    });
  }

  /** GAME_NOT_FOUND for an unknown id, rather than a foreign-key error. */
  private maxPlayersOf(gameId: number): number {
    const game = this.games.get(gameId);
    if (game === null) throw new ServiceError('GAME_NOT_FOUND');
    return game.maxPlayers;
  }

  private openLobby(gameId: number, ownerId: number, maxPlayers: number, now: number): JoinOutcome {
    const id = this.conn
      .statement<[number, number, number, number], number>(
        `INSERT INTO lobbies (game_id, owner_id, status, max_players, created_at) VALUES (?, ?, 'open', ?, ?)
         RETURNING id`,
      )
      .pluck()
      .get(gameId, ownerId, maxPlayers, now);
    if (id === undefined) throw new Error('INSERT … RETURNING returned no row');
    // A one-player game's lobby is full the moment its owner sits down.
    const becameFull = this.addMember(id, ownerId, now);
    return { lobby: this.mustLoad(id), created: true, becameFull };
  }

  /** Seats the account; true when that took the last seat (the lobby moved open → full). */
  private addMember(lobbyId: number, accountId: number, now: number): boolean {
    this.insertMember(lobbyId, accountId, now);
    const { changes } = this.conn
      .statement<[number]>(
        `UPDATE lobbies AS l SET status = 'full'
          WHERE l.id = ? AND l.status = 'open' AND NOT ${HAS_SPACE}`,
      )
      .run(lobbyId);
    return changes === 1;
  }

  private insertMember(lobbyId: number, accountId: number, now: number): void {
    this.conn
      .statement<[number, number, number]>('INSERT INTO lobby_members (lobby_id, account_id, joined_at, active) VALUES (?, ?, ?, 1)')
      .run(lobbyId, accountId, now);
  }

  private mustLoad(lobbyId: number): Lobby {
    const lobby = this.reads.load(lobbyId);
    if (lobby === null) throw new Error(`lobby ${lobbyId} vanished inside its own transaction`);
    return lobby;
  }
}
