import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { ForbiddenError, InvalidRequestError, NotFoundError, UnauthorizedError } from '../../common/errors/domain-error';
import type { AgentPrincipal, RequestWithPrincipal } from './agent-principal';
import { AgentTokenVerifier } from './agent-token-verifier.service';
import { StoreLookup } from './store-lookup.service';

function single(value: unknown): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

/**
 * Agents reach `/v1/context/accounts/:accountId/...` with either the store's context token (the
 * dashboard app URL carries it) or their own Chatwoot access token. Either way the principal is
 * bound to exactly one store, the one owning `:accountId`; services only ever read that store.
 */
@Injectable()
export class AgentAuthGuard implements CanActivate {
  constructor(
    private readonly stores: StoreLookup,
    private readonly verifier: AgentTokenVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<RequestWithPrincipal>();
    const params = (request.params ?? {}) as Record<string, string>;
    const query = (request.query ?? {}) as Record<string, unknown>;
    const contextToken = single(request.headers['x-context-token']) ?? single(query.token);
    const agentToken = single(request.headers['api_access_token']);
    if (!contextToken && !agentToken) {
      throw new UnauthorizedError(
        'Send the context token (x-context-token) or your Chatwoot api_access_token',
        'MISSING_CREDENTIALS',
      );
    }
    const accountId = Number(params.accountId);
    if (!Number.isSafeInteger(accountId) || accountId <= 0) {
      throw new InvalidRequestError('accountId must be a positive integer', 'INVALID_ACCOUNT_ID');
    }
    request.agentPrincipal = contextToken
      ? await this.byContextToken(contextToken, accountId)
      : await this.byAgentToken(agentToken!, accountId);
    return true;
  }

  private async byContextToken(token: string, accountId: number): Promise<AgentPrincipal> {
    const store = await this.stores.byContextToken(token);
    if (!store) throw new UnauthorizedError('The context token is not valid', 'INVALID_CONTEXT_TOKEN');
    if (store.chatwoot.accountId !== accountId) {
      throw new ForbiddenError('This context token belongs to another Chatwoot account', 'ACCOUNT_MISMATCH');
    }
    return { store, accountId, via: 'context-token', agent: null };
  }

  private async byAgentToken(token: string, accountId: number): Promise<AgentPrincipal> {
    const { profile } = await this.verifier.profile(token, accountId);
    if (!profile.accountIds.includes(accountId)) {
      throw new ForbiddenError('Your Chatwoot user is not a member of this account', 'ACCOUNT_MISMATCH');
    }
    const store = await this.stores.byAccountId(accountId);
    if (!store) throw new NotFoundError(`Chatwoot account ${accountId}`, 'STORE_NOT_FOUND');
    return { store, accountId, via: 'agent-token', agent: { id: profile.id, name: profile.name, email: profile.email } };
  }
}
