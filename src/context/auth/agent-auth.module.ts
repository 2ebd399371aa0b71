import { Module } from '@nestjs/common';
import { AccountsModule } from '../../accounts/accounts.module';
import { AgentAuthGuard } from './agent-auth.guard';
import { AgentTokenVerifier } from './agent-token-verifier.service';
import { StoreLookup } from './store-lookup.service';

/**
 * The agent audience's authentication (`@AgentAuth()`), on its own so that every module serving
 * routes under `/v1/context/accounts/:accountId` (context, order actions) shares one guard, one
 * store lookup cache and one token verifier.
 */
@Module({
  imports: [AccountsModule],
  providers: [AgentTokenVerifier, StoreLookup, AgentAuthGuard],
  exports: [AgentTokenVerifier, StoreLookup, AgentAuthGuard],
})
export class AgentAuthModule {}
