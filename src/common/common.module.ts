import { Global, Module } from '@nestjs/common';
import { PlatformAuthGuard } from './auth/platform-auth.guard';
import { InvalidationBus } from './cache/invalidation-bus';
import { SecretBox } from './crypto/secret-box.service';
import { RawRoutes } from './http/raw-routes';
import { RateLimitService } from './rate-limit/rate-limit.service';
import { RedisService } from './redis/redis.service';

@Global()
@Module({
  providers: [SecretBox, PlatformAuthGuard, RateLimitService, RawRoutes, RedisService, InvalidationBus],
  exports: [SecretBox, PlatformAuthGuard, RateLimitService, RawRoutes, RedisService, InvalidationBus],
})
export class CommonModule {}
