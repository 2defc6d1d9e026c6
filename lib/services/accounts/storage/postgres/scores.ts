/** Match results, leaderboards and per-account history. */
import type pg from 'pg';
import { ServiceError } from '../../errors.js';
import type { HistoryEntry, LeaderboardEntry, ScoreResult } from '../types.js';
import { firstRow, transaction, type Queryable } from './db.js';

const DEFAULT_LEADERBOARD_LIMIT = 20;
const DEFAULT_HISTORY_LIMIT = 50;
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

function checkResults(results: readonly ScoreResult[]): void {
  const seen = new Set<number>();
  for (const { accountId, score } of results) {
    if (!Number.isInteger(score) || score < INT32_MIN || score > INT32_MAX) {
      throw new ServiceError('BAD_REQUEST', 'a score must be a signed 32-bit integer');
    }
    if (seen.has(accountId)) throw new ServiceError('BAD_REQUEST', `account ${accountId} has two scores`);
    seen.add(accountId);
  }
}

export async function recordResults(pool: pg.Pool, lobbyId: number, results: readonly ScoreResult[], now: number): Promise<void> {
  checkResults(results);
  await transaction(pool, async (client) => {
    // The lobby lock orders two reports for one lobby; match_results_pkey backs it up (db.ts).
    const lobby = firstRow(await client.query<{ game_id: number }>('SELECT game_id FROM lobbies WHERE id = $1 FOR UPDATE', [lobbyId]));
    if (lobby === null) throw new ServiceError('LOBBY_NOT_FOUND');
    const recorded = await client.query('SELECT 1 FROM match_results WHERE lobby_id = $1', [lobbyId]);
    if (recorded.rows.length > 0) throw new ServiceError('RESULTS_RECORDED');
    // Members past and present: ending a lobby only clears `active`.
    const members = await client.query<{ account_id: number }>('SELECT account_id FROM lobby_members WHERE lobby_id = $1', [lobbyId]);
    const memberIds = new Set(members.rows.map((row) => row.account_id));
    const stranger = results.find((result) => !memberIds.has(result.accountId));
    if (stranger !== undefined) throw new ServiceError('BAD_REQUEST', `account ${stranger.accountId} is not a member of lobby ${lobbyId}`);
    await client.query('INSERT INTO match_results (lobby_id, recorded_at) VALUES ($1, $2)', [lobbyId, now]);
    if (results.length === 0) return;
    await client.query(
      `INSERT INTO scores (lobby_id, account_id, game_id, score, recorded_at)
       SELECT $1, r.account_id, $2, r.score, $3 FROM unnest($4::bigint[], $5::integer[]) AS r (account_id, score)`,
      [lobbyId, lobby.game_id, now, results.map((r) => r.accountId), results.map((r) => r.score)],
    );
  });
}

export async function leaderboard(db: Queryable, gameId: number, limit: number = DEFAULT_LEADERBOARD_LIMIT): Promise<LeaderboardEntry[]> {
  // sum(integer) is BIGINT, parsed to a number (pool.ts); max(integer) stays integer.
  const result = await db.query<{ account_id: number; username: string; total: number; matches: number; best: number }>(
    `SELECT s.account_id, a.username, sum(s.score) AS total, count(*) AS matches, max(s.score) AS best
       FROM scores s JOIN accounts a ON a.id = s.account_id
      WHERE s.game_id = $1
      GROUP BY s.account_id, a.username
      ORDER BY total DESC, matches DESC, a.username, s.account_id
      LIMIT $2`,
    [gameId, limit],
  );
  return result.rows.map((row) => ({
    accountId: row.account_id,
    username: row.username,
    total: row.total,
    matches: row.matches,
    best: row.best,
  }));
}

export async function history(db: Queryable, accountId: number, limit: number = DEFAULT_HISTORY_LIMIT): Promise<HistoryEntry[]> {
  const result = await db.query<{ lobby_id: number; game_id: number; game_name: string; score: number; recorded_at: number }>(
    `SELECT s.lobby_id, s.game_id, g.name AS game_name, s.score, s.recorded_at
       FROM scores s JOIN games g ON g.id = s.game_id
      WHERE s.account_id = $1
      ORDER BY s.recorded_at DESC, s.lobby_id DESC
      LIMIT $2`,
    [accountId, limit],
  );
  return result.rows.map((row) => ({
    lobbyId: row.lobby_id,
    gameId: row.game_id,
    gameName: row.game_name,
    score: row.score,
    recordedAt: row.recorded_at,
  }));
}
