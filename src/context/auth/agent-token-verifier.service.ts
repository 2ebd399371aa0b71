import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { ChatwootApiError } from '../../chatwoot/chatwoot-api.error';
import { ChatwootClient } from '../../chatwoot/chatwoot.client';
import { DomainError, UnauthorizedError } from '../../common/errors/domain-error';
import { TtlCache } from '../context-cache';

/** A verified profile is trusted this long; a rejected token is remembered briefly so it cannot hammer Chatwoot. */
export const PROFILE_TTL_MS = 60_000;
const REJECTED_TTL_MS = 10_000;

export interface AgentProfile {
  id: number;
  name: string;
  email: string | null;
  accountIds: number[];
}

type Verdict = { ok: true; profile: AgentProfile } | { ok: false };

/**
 * Checks a Chatwoot agent's own `api_access_token` against Chatwoot's profile endpoint. Results
 * are cached by the token's SHA-256, never by the token itself.
 */
@Injectable()
export class AgentTokenVerifier {
  private readonly accepted = new TtlCache<Verdict>({ ttlMs: PROFILE_TTL_MS, maxEntries: 5_000 });
  private readonly rejected = new TtlCache<Verdict>({ ttlMs: REJECTED_TTL_MS, maxEntries: 5_000 });

  constructor(private readonly chatwoot: ChatwootClient) {}

  async profile(token: string, accountId: number): Promise<Verdict & { ok: true }> {
    const key = createHash('sha256').update(token).digest('hex');
    const cached = this.accepted.get(key) ?? this.rejected.get(key);
    const verdict = cached ?? (await this.ask(token, accountId, key));
    if (!verdict.ok) throw new UnauthorizedError('The Chatwoot access token was not accepted by Chatwoot', 'INVALID_AGENT_TOKEN');
    return verdict;
  }

  private async ask(token: string, accountId: number, key: string): Promise<Verdict> {
    try {
      const profile = await this.chatwoot.account(accountId, token, { lane: 'realtime' }).getProfile();
      const verdict: Verdict = {
        ok: true,
        profile: {
          id: profile.id,
          name: profile.name,
          email: profile.email ?? null,
          accountIds: (profile.accounts ?? []).map((a) => a.id),
        },
      };
      this.accepted.set(key, verdict);
      return verdict;
    } catch (error) {
      if (error instanceof ChatwootApiError && (error.status === 401 || error.status === 403 || error.status === 404)) {
        this.rejected.set(key, { ok: false });
        return { ok: false };
      }
      throw new DomainError(503, 'CHATWOOT_UNAVAILABLE', 'Could not verify the agent token with Chatwoot right now; try again');
    }
  }
}
