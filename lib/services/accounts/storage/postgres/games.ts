/** Games: configuration upserted by name at start-up. */
import type pg from 'pg';
import type { Game, GameDefinition } from '../types.js';
import { firstRow, transaction, type Queryable } from './db.js';
import { GAME_COLUMNS, toGame, type GameRow } from './rows.js';

export async function upsertGames(pool: pg.Pool, games: readonly GameDefinition[]): Promise<Game[]> {
  return transaction(pool, async (client) => {
    // ON CONFLICT: two processes starting with the same configuration both succeed.
    for (const game of games) {
      await client.query(
        `INSERT INTO games (name, min_players, max_players, module) VALUES ($1, $2, $3, $4)
         ON CONFLICT (name) DO UPDATE
           SET min_players = EXCLUDED.min_players, max_players = EXCLUDED.max_players, module = EXCLUDED.module`,
        [game.name, game.minPlayers, game.maxPlayers, game.module],
      );
    }
    return listGames(client);
  });
}

export async function listGames(db: Queryable): Promise<Game[]> {
  const result = await db.query<GameRow>(`SELECT ${GAME_COLUMNS} FROM games ORDER BY id`);
  return result.rows.map(toGame);
}

export async function getGame(db: Queryable, id: number): Promise<Game | null> {
  const row = firstRow(await db.query<GameRow>(`SELECT ${GAME_COLUMNS} FROM games WHERE id = $1`, [id]));
  return row === null ? null : toGame(row);
}

export async function findGameByName(db: Queryable, name: string): Promise<Game | null> {
  const row = firstRow(await db.query<GameRow>(`SELECT ${GAME_COLUMNS} FROM games WHERE name = $1`, [name]));
  return row === null ? null : toGame(row);
}

/**
 * Locks the game row: matchmaking in every process serialises per game on it, so two callers
 * never both see "no open lobby" and both create one. NO KEY UPDATE leaves foreign-key checks
 * (KEY SHARE) of inserts referencing the game unblocked.
 */
export async function lockGame(client: pg.PoolClient, id: number): Promise<GameRow | null> {
  return firstRow(await client.query<GameRow>(`SELECT ${GAME_COLUMNS} FROM games WHERE id = $1 FOR NO KEY UPDATE`, [id]));
}
