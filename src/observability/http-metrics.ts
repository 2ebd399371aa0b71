import type { FastifyInstance } from 'fastify';
import type { Histogram } from 'prom-client';
import type { MetricsService } from './metrics.service';

/** Request durations by route pattern (not raw URL, to keep label cardinality bounded) and status. */
export function httpDurations(metrics: MetricsService): Histogram<'method' | 'route' | 'status'> {
  return metrics.histogram('http_request_duration_seconds', 'HTTP request duration by method, route and status', [
    'method',
    'route',
    'status',
  ]);
}

/** Fastify's routes report here; raw routes (see RawRoutes) observe `httpDurations` themselves. */
export function registerHttpMetrics(fastify: FastifyInstance, metrics: MetricsService): void {
  const duration = httpDurations(metrics);
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions?.url ?? 'unmatched';
    duration.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    done();
  });
}
