/**
 * /lobby: lobbies and matchmaking. `GET /lobby/find` keeps the seed's method although it now
 * joins (or creates) a lobby: the seed's clients call it that way. It is idempotent for an
 * account already in a lobby of that game, so a retried request never joins twice.
 */
import type { FastifyInstance } from 'fastify';
import { principalOf, requireAccount, resolveGame, type ServiceContext } from '../context.js';
import { ServiceError } from '../errors.js';
import { ERROR_SCHEMA, GAME_REF, ID_SCHEMA, LOBBY_ID_QUERY, LOBBY_SCHEMA, lobbyJson } from '../schemas.js';
import type { JoinOutcome, LobbyStatus } from '../storage/types.js';

const errors = { 400: ERROR_SCHEMA, 401: ERROR_SCHEMA, 403: ERROR_SCHEMA, 404: ERROR_SCHEMA, 409: ERROR_SCHEMA } as const;
const LOBBY_LIST = { type: 'array', items: LOBBY_SCHEMA } as const;
const LOBBY_ID_BODY = { ...LOBBY_ID_QUERY } as const;
const STATUSES = ['open', 'full', 'starting', 'running', 'ended'] as const;

export function registerLobbyRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  const authenticated = requireAccount(ctx);

  /** After a join: count it, and start the game server of a lobby that just filled. */
  async function settle(outcome: JoinOutcome): Promise<void> {
    if (outcome.created) ctx.metrics.lobbiesCreated.inc();
    if (outcome.becameFull) {
      const game = await ctx.repo.getGame(outcome.lobby.gameId);
      if (game !== null) ctx.onLobbyFull(outcome.lobby, game);
    }
  }

  app.get(
    '/lobby',
    { onRequest: authenticated, schema: { summary: 'One lobby', tags: ['lobby'], querystring: LOBBY_ID_QUERY, response: { 200: LOBBY_SCHEMA, ...errors } } },
    async (request) => {
      const lobby = await ctx.repo.getLobby((request.query as { lobby_id: number }).lobby_id);
      if (lobby === null) throw new ServiceError('LOBBY_NOT_FOUND');
      return lobbyJson(lobby);
    },
  );

  app.get(
    '/lobby/all',
    {
      onRequest: authenticated,
      schema: {
        summary: 'Lobbies (default: all not ended), oldest first',
        tags: ['lobby'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            status: { type: 'array', items: { type: 'string', enum: STATUSES } },
            game_id: ID_SCHEMA,
            limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
          },
        },
        response: { 200: LOBBY_LIST, ...errors },
      },
    },
    async (request) => {
      const q = request.query as { status?: LobbyStatus[]; game_id?: number; limit: number };
      const lobbies = await ctx.repo.listLobbies({
        status: q.status ?? ['open', 'full', 'starting', 'running'],
        ...(q.game_id !== undefined ? { gameId: q.game_id } : {}),
        limit: q.limit,
      });
      return lobbies.map(lobbyJson);
    },
  );

  app.get(
    '/lobby/mine',
    {
      onRequest: authenticated,
      schema: { summary: 'The lobby you are in (404 when none)', tags: ['lobby'], response: { 200: LOBBY_SCHEMA, ...errors } },
    },
    async (request) => {
      const lobby = await ctx.repo.activeLobbyOf(principalOf(request).account.id);
      if (lobby === null) throw new ServiceError('LOBBY_NOT_FOUND', 'you are not in a lobby');
      return lobbyJson(lobby);
    },
  );

  app.post(
    '/lobby/create',
    {
      onRequest: authenticated,
      schema: { summary: 'Create a lobby for a game and join it', tags: ['lobby'], body: GAME_REF, response: { 201: LOBBY_SCHEMA, ...errors } },
    },
    async (request, reply) => {
      const game = await resolveGame(ctx, request.body as { game_id?: number; game_name?: string });
      const outcome = await ctx.repo.createLobby(game.id, principalOf(request).account.id, ctx.now());
      await settle(outcome);
      return reply.code(201).send(lobbyJson(outcome.lobby));
    },
  );

  app.get(
    '/lobby/find',
    {
      onRequest: authenticated,
      schema: {
        summary: 'Matchmaking: join the oldest open lobby of the game with space, or create one',
        description: '201 when a lobby was created, 200 when one was joined (or you already were in it).',
        tags: ['lobby'],
        querystring: GAME_REF,
        response: { 200: LOBBY_SCHEMA, 201: LOBBY_SCHEMA, ...errors },
      },
    },
    async (request, reply) => {
      const game = await resolveGame(ctx, request.query as { game_id?: number; game_name?: string });
      const accountId = principalOf(request).account.id;
      const outcome = await ctx.repo.findOrCreateLobby(game.id, accountId, ctx.now());
      const fresh = outcome.lobby.members.at(-1)?.accountId === accountId;
      ctx.metrics.matchmakingJoins.inc({ outcome: outcome.created ? 'created' : fresh || outcome.becameFull ? 'joined' : 'already-member' });
      await settle(outcome);
      return reply.code(outcome.created ? 201 : 200).send(lobbyJson(outcome.lobby));
    },
  );

  app.post(
    '/lobby/join',
    { onRequest: authenticated, schema: { summary: 'Join a given open lobby', tags: ['lobby'], body: LOBBY_ID_BODY, response: { 200: LOBBY_SCHEMA, ...errors } } },
    async (request) => {
      const outcome = await ctx.repo.joinLobby((request.body as { lobby_id: number }).lobby_id, principalOf(request).account.id, ctx.now());
      await settle(outcome);
      return lobbyJson(outcome.lobby);
    },
  );

  app.post(
    '/lobby/leave',
    {
      onRequest: authenticated,
      schema: { summary: 'Leave an open lobby (the last one out ends it)', tags: ['lobby'], body: LOBBY_ID_BODY, response: { 200: LOBBY_SCHEMA, ...errors } },
    },
    async (request) => lobbyJson(await ctx.repo.leaveLobby((request.body as { lobby_id: number }).lobby_id, principalOf(request).account.id, ctx.now())),
  );

  app.get(
    '/lobby/friends',
    {
      onRequest: authenticated,
      schema: { summary: "Open lobbies with space that a friend of yours is in", tags: ['lobby'], response: { 200: LOBBY_LIST, 401: ERROR_SCHEMA } },
    },
    async (request) => (await ctx.repo.friendsLobbies(principalOf(request).account.id)).map(lobbyJson),
  );
}
