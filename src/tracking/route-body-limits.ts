import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, RouteOptions } from 'fastify';

const INSTALLED = Symbol.for('chatwoot-bridge.route-body-limits');

/**
 * Lets a route lower Fastify's global body limit with `@RouteConfig({bodyLimit})`: Nest has no
 * decorator for the `bodyLimit` route option, so an `onRoute` hook copies it over. Fastify
 * then stops reading at that size and answers 413 itself. Registered at construction, i.e.
 * before Nest registers the routes in `app.init()`.
 */
@Injectable()
export class RouteBodyLimits {
  constructor(adapterHost: HttpAdapterHost) {
    const fastify = adapterHost.httpAdapter?.getInstance?.() as (FastifyInstance & { [INSTALLED]?: boolean }) | undefined;
    if (!fastify || typeof fastify.addHook !== 'function' || fastify[INSTALLED]) return;
    fastify[INSTALLED] = true;
    fastify.addHook('onRoute', (route: RouteOptions) => {
      const limit = (route.config as { bodyLimit?: unknown } | undefined)?.bodyLimit;
      if (typeof limit === 'number' && Number.isInteger(limit) && limit > 0) route.bodyLimit = limit;
    });
  }
}
