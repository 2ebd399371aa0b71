import type { FastifyInstance, RouteOptions } from 'fastify';

/**
 * Lets a route lower the global body limit with `@RouteConfig({bodyLimit})`: Nest has no
 * decorator for Fastify's `bodyLimit` route option, so an `onRoute` hook copies it over and
 * Fastify stops reading at that size and answers 413 itself. Must be added before Nest
 * registers its routes (createApp does, before init).
 */
export function honourRouteBodyLimits(fastify: FastifyInstance): void {
  fastify.addHook('onRoute', (route: RouteOptions) => {
    const limit = (route.config as { bodyLimit?: unknown } | undefined)?.bodyLimit;
    if (typeof limit === 'number' && Number.isInteger(limit) && limit > 0) route.bodyLimit = limit;
  });
}
