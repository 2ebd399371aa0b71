import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { RateLimitService } from '../common/rate-limit/rate-limit.service';
import { AppConfig } from '../config/app-config';

/** CONTACT_SYNC_RATE_PER_MINUTE writes per store per minute across the contacts endpoints. */
@Injectable()
export class ContactSyncRateGuard implements CanActivate {
  constructor(
    private readonly limits: RateLimitService,
    private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest<{ Params: { storeId?: string } }>>();
    const storeId = request.params.storeId ?? '';
    await this.limits.consume(
      'contacts',
      storeId,
      this.config.CONTACT_SYNC_RATE_PER_MINUTE,
      60,
      'contact sync requests for this store',
    );
    return true;
  }
}
