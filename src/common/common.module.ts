import { Global, Module } from '@nestjs/common';
import { PlatformAuthGuard } from './auth/platform-auth.guard';
import { SecretBox } from './crypto/secret-box.service';
import { RawRoutes } from './http/raw-routes';
import { RateLimitService } from './rate-limit/rate-limit.service';

@Global()
@Module({
  providers: [SecretBox, PlatformAuthGuard, RateLimitService, RawRoutes],
  exports: [SecretBox, PlatformAuthGuard, RateLimitService, RawRoutes],
})
export class CommonModule {}
