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
  /**
   * Games come from configuration and change only through upsert (at start-up), so every lookup
   * on the request path is served from memory; processes sharing a file share one games file.
   */
  private cache: { readonly byId: Map<number, Game>; readonly byName: Map<string, Game> } | undefined;

  constructor(private readonly conn: Connection) {}

  private cached(): NonNullable<SqliteGames['cache']> {
    if (this.cache === undefined) {
      const all = this.conn.statement<[], GameRow>(`SELECT ${COLUMNS} FROM games ORDER BY id`).all().map(toGame);
      this.cache = { byId: new Map(all.map((g) => [g.id, g])), byName: new Map(all.map((g) => [g.name, g])) };
    }
    return this.cache;
  }

  upsert(games: readonly GameDefinition[]): Game[] {
    return this.conn.write(() => {
      const upsert = this.conn.statement<[string, number, number, string | null]>(
        `INSERT INTO games (name, min_players, max_players, module) VALUES (?, ?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET
           min_players = excluded.min_players, max_players = excluded.max_players, module = excluded.module`,
      );
      for (const game of games) upsert.run(game.name, game.minPlayers, game.maxPlayers, game.module);
      this.cache = undefined;
      return this.list();
    });
  }

  list(): Game[] {
    return [...this.cached().byId.values()];
  }

  get(id: number): Game | null {
    return this.cached().byId.get(id) ?? null;
  }

  findByName(name: string): Game | null {
    return this.cached().byName.get(name) ?? null;
  }
}
