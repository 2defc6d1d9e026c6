/** Operational routes: liveness, Prometheus metrics, the OpenAPI document. */
import type { FastifyInstance } from 'fastify';
import type { ServiceContext } from '../context.js';

export function registerSystemRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  app.get('/health', { schema: { hide: true } }, async () => {
    // a storage round trip: a service that cannot reach its database is not healthy
    await ctx.repo.listGames();
    return { status: 'ok', storage: ctx.repo.kind };
  });

  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    reply.header('content-type', ctx.metrics.registry.contentType);
    return ctx.metrics.registry.metrics();
  });

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
