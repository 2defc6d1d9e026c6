/**
 * Match results, the per-game leaderboard and each account's history.
 */
import { ServiceError } from '../../errors.js';
import type { HistoryEntry, LeaderboardEntry, ScoreResult } from '../types.js';
import type { Connection } from './connection.js';

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

export class SqliteScores {
  constructor(private readonly conn: Connection) {}

  record(lobbyId: number, results: readonly ScoreResult[], now: number): void {
    checkShape(results);
    this.conn.write(() => {
      const gameId = this.conn
        .statement<[number], number>('SELECT game_id FROM lobbies WHERE id = ?')
        .pluck()
        .get(lobbyId);
      if (gameId === undefined) throw new ServiceError('LOBBY_NOT_FOUND');
      // The primary key decides "already recorded", so a game server posting twice at once
      // cannot record twice.
      const { changes } = this.conn
        .statement<[number, number]>(
          'INSERT INTO match_results (lobby_id, recorded_at) VALUES (?, ?) ON CONFLICT DO NOTHING',
        )
        .run(lobbyId, now);
      if (changes === 0) throw new ServiceError('RESULTS_RECORDED');
      const isMember = this.conn
        .statement<[number, number], number>('SELECT 1 FROM lobby_members WHERE lobby_id = ? AND account_id = ?')
        .pluck();
      const insert = this.conn.statement<[number, number, number, number, number]>(
        'INSERT INTO scores (lobby_id, account_id, game_id, score, recorded_at) VALUES (?, ?, ?, ?, ?)',
      );
      for (const { accountId, score } of results) {
        // Throwing rolls the match_results row back too: a rejected post can be corrected.
        if (isMember.get(lobbyId, accountId) === undefined) {
          throw new ServiceError('BAD_REQUEST', `account ${accountId} is not a member of lobby ${lobbyId}`);
        }
        insert.run(lobbyId, accountId, gameId, score, now);
      }
    });
  }

  leaderboard(gameId: number, limit: number): LeaderboardEntry[] {
    return this.conn
      .statement<[number, number], LeaderboardEntry>(
        `SELECT s.account_id AS accountId, a.username, SUM(s.score) AS total, COUNT(*) AS matches, MAX(s.score) AS best
           FROM scores s JOIN accounts a ON a.id = s.account_id
          WHERE s.game_id = ?
          GROUP BY s.account_id, a.username
          ORDER BY total DESC, matches DESC, a.username
          LIMIT ?`,
      )
      .all(gameId, limit);
  }

  history(accountId: number, limit: number): HistoryEntry[] {
    return this.conn
      .statement<[number, number], HistoryEntry>(
        `SELECT s.lobby_id AS lobbyId, s.game_id AS gameId, g.name AS gameName, s.score, s.recorded_at AS recordedAt
           FROM scores s JOIN games g ON g.id = s.game_id
          WHERE s.account_id = ?
          ORDER BY s.recorded_at DESC, s.lobby_id DESC
          LIMIT ?`,
      )
      .all(accountId, limit);
  }
}

function checkShape(results: readonly ScoreResult[]): void {
  const seen = new Set<number>();
  for (const { accountId, score } of results) {
    if (!Number.isInteger(score) || score < INT32_MIN || score > INT32_MAX) {
      throw new ServiceError('BAD_REQUEST', `score ${score} is not a signed 32-bit integer`);
    }
    if (seen.has(accountId)) throw new ServiceError('BAD_REQUEST', `account ${accountId} has two results`);
    seen.add(accountId);
  }
}
