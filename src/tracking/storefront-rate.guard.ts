import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { RateLimitService } from '../common/rate-limit/rate-limit.service';
import { AppConfig } from '../config/app-config';

/**
 * Per-IP cap on tracking batches. A guard, so it runs before the body is parsed and counts
 * malformed and refused batches too: a flood of garbage costs the sender its budget.
 */
@Injectable()
export class StorefrontRateGuard implements CanActivate {
  constructor(
    private readonly limits: RateLimitService,
    private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    await this.limits.consume(
      'tracking-ip',
      request.ip,
      this.config.TRACKING_RATE_PER_IP_PER_MINUTE,
      60,
      'tracking batches from this IP',
    );
    return true;
  }
}
