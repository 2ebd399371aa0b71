import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AppConfig } from '../../config/app-config';
import { UnauthorizedError } from '../errors/domain-error';
import { bearerToken, safeEqual } from './credentials';

/** The platform (the e-commerce back office) authenticates with `Authorization: Bearer $PLATFORM_API_KEY`. */
@Injectable()
export class PlatformAuthGuard implements CanActivate {
  constructor(private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const token = bearerToken(request.headers.authorization);
    if (!token || !safeEqual(token, this.config.PLATFORM_API_KEY)) {
      throw new UnauthorizedError('A valid platform API key is required (Authorization: Bearer ...)');
    }
    return true;
  }
}
