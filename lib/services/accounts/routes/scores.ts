/**
 * /scores: match results posted by game servers, leaderboards and player histories.
 *
 * A game server authenticates with its certificate, not a password: the body carries the
 * certificate the service issued to that lobby's server and an Ed25519 signature over the
 * results (lib/services/accounts/results-signature.ts). A player cannot post results: no player
 * holds the key of a `lobby:<id>` certificate.
 */
import type { FastifyInstance } from 'fastify';
import { parseCertificate, verifyCertificate } from '../../../protocol/handshake/certificate.js';
import { resolveGame, requireAccount, principalOf, type ServiceContext } from '../context.js';
import { ServiceError } from '../errors.js';
import { verifyResults } from '../results-signature.js';
import {
  BASE64_SCHEMA, ERROR_SCHEMA, GAME_REF, HISTORY_ROW_SCHEMA, ID_SCHEMA, LEADERBOARD_ROW_SCHEMA, USERNAME_SCHEMA, historyJson, leaderboardJson, serverCertificateName,
} from '../schemas.js';

const errors = { 400: ERROR_SCHEMA, 401: ERROR_SCHEMA, 403: ERROR_SCHEMA, 404: ERROR_SCHEMA, 409: ERROR_SCHEMA } as const;

const RESULTS_BODY = {
  type: 'object',
  required: ['lobby_id', 'results', 'certificate', 'signature'],
  additionalProperties: false,
  properties: {
    lobby_id: ID_SCHEMA,
    results: {
      type: 'array',
      minItems: 1,
      maxItems: 256,
      items: {
        type: 'object',
        required: ['account_id', 'score'],
        additionalProperties: false,
        properties: { account_id: ID_SCHEMA, score: { type: 'integer', minimum: -2147483648, maximum: 2147483647 } },
      },
    },
    certificate: BASE64_SCHEMA,
    signature: BASE64_SCHEMA,
  },
} as const;

interface ResultsBody {
  lobby_id: number;
  results: { account_id: number; score: number }[];
  certificate: string;
  signature: string;
}

export function registerScoreRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  app.post(
    '/scores',
    {
      schema: {
        summary: "A game server posts its match's results (signed with its certificate's key)",
        tags: ['scores'],
        body: RESULTS_BODY,
        response: { 201: { type: 'object', properties: { recorded: { type: 'integer' } } }, ...errors },
      },
    },
    async (request, reply) => {
      const body = request.body as ResultsBody;
      const certificate = new Uint8Array(Buffer.from(body.certificate, 'base64'));
      const check = verifyCertificate(certificate, ctx.key.publicKey, ctx.now());
      if (!check.ok) throw new ServiceError('CERTIFICATE_INVALID', `certificate rejected: ${check.reason}`);
      const lobby = await ctx.repo.getLobby(body.lobby_id);
      if (lobby === null) throw new ServiceError('LOBBY_NOT_FOUND');
      // Only the certificate issued to this lobby's server may speak for it.
      const named = check.certificate.accountId === 0n && check.certificate.username === serverCertificateName(lobby.id);
      if (!named || lobby.server === null || !Buffer.from(lobby.server.certificate).equals(Buffer.from(certificate))) {
        throw new ServiceError('FORBIDDEN', "that certificate is not this lobby's game server");
      }
      const signature = new Uint8Array(Buffer.from(body.signature, 'base64'));
      if (!verifyResults(parseCertificate(certificate).publicKey, body, signature)) {
        throw new ServiceError('CERTIFICATE_INVALID', 'the results signature does not verify');
      }
      const results = body.results.map((r) => ({ accountId: r.account_id, score: r.score }));
      await ctx.repo.recordResults(lobby.id, results, ctx.now());
      request.log.info({ lobbyId: lobby.id, results: results.length }, 'match results recorded');
      return reply.code(201).send({ recorded: results.length });
    },
  );

  app.get(
    '/scores/leaderboard',
    {
      schema: {
        summary: 'Top accounts of a game by total score',
        tags: ['scores'],
        querystring: {
          ...GAME_REF,
          properties: { ...GAME_REF.properties, limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 } },
        },
        response: {
          200: { type: 'array', items: LEADERBOARD_ROW_SCHEMA },
          ...errors,
        },
      },
    },
    async (request) => {
      const q = request.query as { game_id?: number; game_name?: string; limit: number };
      const game = await resolveGame(ctx, q);
      return (await ctx.repo.leaderboard(game.id, q.limit)).map(leaderboardJson);
    },
  );

  app.get(
    '/scores/history',
    {
      onRequest: requireAccount(ctx),
      schema: {
        summary: "A player's match results, newest first (default: yours)",
        tags: ['scores'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { username: USERNAME_SCHEMA, limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 } },
        },
        response: {
          200: { type: 'array', items: HISTORY_ROW_SCHEMA },
          ...errors,
        },
      },
    },
    async (request) => {
      const q = request.query as { username?: string; limit: number };
      let accountId = principalOf(request).account.id;
      if (q.username !== undefined) {
        const other = await ctx.repo.findAccountByUsername(q.username);
        if (other === null) throw new ServiceError('ACCOUNT_NOT_FOUND');
        accountId = other.id;
      }
      return (await ctx.repo.history(accountId, q.limit)).map(historyJson);
    },
  );
}
