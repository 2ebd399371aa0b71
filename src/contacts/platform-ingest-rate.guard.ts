import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { RateLimitService } from '../common/rate-limit/rate-limit.service';
import { AppConfig } from '../config/app-config';

/**
 * PLATFORM_INGEST_RATE_PER_MINUTE platform writes per store per minute (customers, orders,
 * carts, products, erasures, sync and merge requests). A bulk import counts each of its items.
 * Generous on purpose: the contact syncs those writes cause are coalesced per customer and
 * paced towards Chatwoot separately (CONTACT_SYNC_RATE_PER_MINUTE), so this only stops floods.
 */
@Injectable()
export class PlatformIngestRateGuard implements CanActivate {
  constructor(
    private readonly limits: RateLimitService,
    private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest<{ Params: { storeId?: string } }>>();
    const storeId = request.params.storeId ?? '';
    const limit = this.config.PLATFORM_INGEST_RATE_PER_MINUTE;
    await this.limits.consume(
      'platform-ingest',
      storeId,
      limit,
      60,
      'platform writes for this store (PLATFORM_INGEST_RATE_PER_MINUTE)',
      Math.min(itemsIn(request.body), limit),
    );
    return true;
  }
}

/** Items a request writes: one, or the records of a bulk import. */
function itemsIn(body: unknown): number {
  if (typeof body !== 'object' || body === null) return 1;
  const { customers, orders } = body as { customers?: unknown; orders?: unknown };
  const count = (Array.isArray(customers) ? customers.length : 0) + (Array.isArray(orders) ? orders.length : 0);
  return Math.max(1, count);
}
