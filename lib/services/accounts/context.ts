/**
 * What every route handler can reach: storage, configuration, the signing key, the clock, the
 * metrics, and the hook that starts a game server for a lobby that just filled.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { authenticate, type Principal } from './auth.js';
import type { ServiceConfig } from './config.js';
import { ServiceError } from './errors.js';
import type { ServiceMetrics } from './metrics.js';
import type { ServiceKey } from './service-key.js';
import type { Game, Lobby, Repository } from './storage/types.js';

export interface ServiceContext {
  readonly repo: Repository;
  readonly config: ServiceConfig;
  readonly key: ServiceKey;
  /** Milliseconds since the epoch (tests substitute their own clock). */
  readonly now: () => number;
  readonly metrics: ServiceMetrics;
  /** Called once for each lobby whose join made it full (never awaited by the request). */
  readonly onLobbyFull: (lobby: Lobby, game: Game) => void;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

/** onRequest hook for routes that need an account: credentials are checked before the body is even parsed. */
export function requireAccount(ctx: ServiceContext) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    try {
      request.principal = await authenticate(ctx.repo, request.headers.authorization, ctx.now());
    } catch (e) {
      if (e instanceof ServiceError) ctx.metrics.authFailures.inc({ code: e.code });
      throw e;
    }
  };
}

export function principalOf(request: FastifyRequest): Principal {
  if (request.principal === null) throw new ServiceError('UNAUTHENTICATED');
  return request.principal;
}

/** Resolves `{ game_id }` or `{ game_name }` (validated by GAME_REF) to a game, or GAME_NOT_FOUND. */
export async function resolveGame(ctx: ServiceContext, ref: { game_id?: number; game_name?: string }): Promise<Game> {
  const game = ref.game_id !== undefined ? await ctx.repo.getGame(ref.game_id) : await ctx.repo.findGameByName(ref.game_name ?? '');
  if (game === null) throw new ServiceError('GAME_NOT_FOUND');
  return game;
}
