/**
 * Builds the accounts service's Fastify application from a ServiceContext: validation, the error
 * catalogue, rate limits, metrics, the OpenAPI document and every route. Listening, storage and
 * game servers are the caller's (lib/services/accounts/service.ts).
 */
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import { packageVersion } from '../../native.js';
import type { ServiceContext } from './context.js';
import { ServiceError, type ServiceErrorCodeName } from './errors.js';
import { registerAuthRoutes } from './routes/auth.js';
import { registerFriendRoutes } from './routes/friends.js';
import { registerGameRoutes } from './routes/games.js';
import { registerLobbyRoutes } from './routes/lobby.js';
import { registerScoreRoutes } from './routes/scores.js';
import { registerSystemRoutes } from './routes/system.js';
import { validatorCompiler } from './validation.js';

/** Fastify's own error codes, translated into the catalogue. */
const FASTIFY_CODES: Record<string, ServiceErrorCodeName> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'BAD_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'BAD_JSON',
  FST_ERR_CTP_BODY_TOO_LARGE: 'BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'BAD_REQUEST',
  FST_ERR_VALIDATION: 'VALIDATION',
};

function toServiceError(error: FastifyError): ServiceError {
  if (error instanceof ServiceError) return error;
  if (error.validation !== undefined) return new ServiceError('VALIDATION', error.message);
  const mapped = error.code !== undefined ? FASTIFY_CODES[error.code] : undefined;
  if (mapped !== undefined) return new ServiceError(mapped, error.message);
  if (error.statusCode === 429) return new ServiceError('RATE_LIMITED');
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    return new ServiceError('BAD_REQUEST', error.message);
  }
  return new ServiceError('INTERNAL');
}

export interface AppOptions {
  /** A pino logger (one log line per request, structured); none: silent. */
  readonly logger?: FastifyBaseLogger;
}

export async function buildApp(ctx: ServiceContext, options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    ...(options.logger !== undefined ? { loggerInstance: options.logger } : { logger: false }),
    bodyLimit: ctx.config.bodyLimitBytes,
    // never trust X-Forwarded-For by default: rate limits key on the socket address
    trustProxy: false,
    // requests are short; a client trickling bytes (slowloris) is cut off
    requestTimeout: 10_000,
    connectionTimeout: 10_000,
    // Node checks requestTimeout only every connectionsCheckingInterval (default 30 s), which let
    // a slowloris socket live ~30-40 s instead of 10 s; check every second
    http: { connectionsCheckingInterval: 1000 },
  });
  app.setValidatorCompiler(validatorCompiler);
  // JSON only: a text/plain body is refused with 415 instead of reaching validation as a string
  app.removeContentTypeParser('text/plain');
  app.decorateRequest('principal', null);

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const e = toServiceError(error);
    if (e.statusCode >= 500) request.log.error({ err: error }, 'request failed');
    return reply.code(e.statusCode).send(e.toBody());
  });
  app.setNotFoundHandler((request, reply) => {
    const e = new ServiceError('ROUTE_NOT_FOUND', `${request.method} ${request.url.split('?')[0]} is not a route`);
    return reply.code(e.statusCode).send(e.toBody());
  });

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    ctx.metrics.requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    ctx.metrics.duration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'paperclip-net accounts service',
        version: packageVersion,
        description: 'Accounts, friends, lobbies, matchmaking, certificates and scores (seed 001 §9.5, extended).',
      },
      components: {
        securitySchemes: {
          basic: { type: 'http', scheme: 'basic' },
          bearer: { type: 'http', scheme: 'bearer' },
        },
      },
    },
  });

  const limit = ctx.config.authRateLimit;
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) => {
      const e = new ServiceError('RATE_LIMITED', `rate limit of ${context.max} per ${context.after} exceeded`);
      return Object.assign(new Error(e.message), { statusCode: 429, code: 'RATE_LIMITED' });
    },
  });
  const authLimit = limit === null ? {} : { rateLimit: { max: limit.max, timeWindow: limit.windowMs } };

  registerAuthRoutes(app, ctx, authLimit);
  registerGameRoutes(app, ctx);
  registerLobbyRoutes(app, ctx);
  registerFriendRoutes(app, ctx);
  registerScoreRoutes(app, ctx);
  registerSystemRoutes(app, ctx);
  await app.ready();
  return app;
}
