import { Global, Module } from '@nestjs/common';
import { PlatformAuthGuard } from './auth/platform-auth.guard';
import { SecretBox } from './crypto/secret-box.service';
import { RateLimitService } from './rate-limit/rate-limit.service';

@Global()
@Module({
  providers: [SecretBox, PlatformAuthGuard, RateLimitService],
  exports: [SecretBox, PlatformAuthGuard, RateLimitService],
})
export class CommonModule {}
