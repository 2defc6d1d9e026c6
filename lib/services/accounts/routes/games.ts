/** GET /games: the games this service offers (from its configuration). */
import type { FastifyInstance } from 'fastify';
import type { ServiceContext } from '../context.js';
import { GAME_SCHEMA, gameJson } from '../schemas.js';

export function registerGameRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  app.get(
    '/games',
    { schema: { summary: 'All available games', tags: ['games'], response: { 200: { type: 'array', items: GAME_SCHEMA } } } },
    async () => (await ctx.repo.listGames()).map(gameJson),
  );
}
