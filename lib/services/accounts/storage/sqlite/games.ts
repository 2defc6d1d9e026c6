/**
 * Games: defined in configuration, upserted by name at start-up, so ids stay stable across
 * restarts and lobbies and scores keep pointing at the same game.
 */
import type { Game, GameDefinition } from '../types.js';
import type { Connection } from './connection.js';

interface GameRow {
  id: number;
  name: string;
  min_players: number;
  max_players: number;
  module: string | null;
}

const COLUMNS = 'id, name, min_players, max_players, module';

function toGame(row: GameRow): Game {
  return { id: row.id, name: row.name, minPlayers: row.min_players, maxPlayers: row.max_players, module: row.module };
}

export class SqliteGames {
  constructor(private readonly conn: Connection) {}

  upsert(games: readonly GameDefinition[]): Game[] {
    return this.conn.write(() => {
      const upsert = this.conn.statement<[string, number, number, string | null]>(
        `INSERT INTO games (name, min_players, max_players, module) VALUES (?, ?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET
           min_players = excluded.min_players, max_players = excluded.max_players, module = excluded.module`,
      );
      for (const game of games) upsert.run(game.name, game.minPlayers, game.maxPlayers, game.module);
      return this.list();
    });
  }

  list(): Game[] {
    return this.conn.statement<[], GameRow>(`SELECT ${COLUMNS} FROM games ORDER BY id`).all().map(toGame);
  }

  get(id: number): Game | null {
    const row = this.conn.statement<[number], GameRow>(`SELECT ${COLUMNS} FROM games WHERE id = ?`).get(id);
    return row === undefined ? null : toGame(row);
  }

  findByName(name: string): Game | null {
    const row = this.conn.statement<[string], GameRow>(`SELECT ${COLUMNS} FROM games WHERE name = ?`).get(name);
    return row === undefined ? null : toGame(row);
  }
}
