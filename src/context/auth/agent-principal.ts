import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { StoreView } from '../../accounts/store-directory.service';

/** Who is calling the context API, for which store. Set by {@link AgentAuthGuard}. */
export interface AgentPrincipal {
  store: StoreView;
  /** The Chatwoot account id of the route, equal to the store's. */
  accountId: number;
  via: 'context-token' | 'agent-token';
  /** Known (verified) only with an agent token; the context token is shared by the store's agents. */
  agent: { id: number; name: string; email: string | null } | null;
}

/**
 * Who acts: a verified agent token's owner; with the shared context token, whom the dashboard app
 * reports (it cannot be checked, so it is recorded as reported). Every per-agent rule and record
 * (allowances, discount codes, refunds, escalations) takes its agent from here.
 */
export function actingAgent(
  principal: AgentPrincipal,
  reported: { agentId?: number; agentName?: string } = {},
): { id: number | null; name: string | null } {
  if (principal.agent) return { id: principal.agent.id, name: principal.agent.name };
  return { id: reported.agentId ?? null, name: reported.agentName ?? null };
}

export type RequestWithPrincipal = FastifyRequest & { agentPrincipal?: AgentPrincipal };

/** The {@link AgentPrincipal} of an `@AgentAuth()` route. */
export const Principal = createParamDecorator((_: unknown, ctx: ExecutionContext): AgentPrincipal => {
  const principal = ctx.switchToHttp().getRequest<RequestWithPrincipal>().agentPrincipal;
  if (!principal) throw new Error('Principal used on a route without @AgentAuth()');
  return principal;
});
