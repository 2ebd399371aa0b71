import { Injectable } from '@nestjs/common';
import { NotFoundError } from '../common/errors/domain-error';
import { ConversationRepository, type ConversationRecord } from './conversation.repository';

/** Dates as the API writes them: ISO 8601 strings. */
type IsoDates<T> = { [K in keyof T]: T[K] extends Date ? string : T[K] extends Date | null ? string | null : T[K] };

/** A conversation as the API shows it: the stored record without its bookkeeping, dates as ISO strings. */
export type ConversationView = IsoDates<Omit<ConversationRecord, 'storeId' | 'lastEventAt' | 'csatAt' | 'routedAt'>>;

export interface ConversationListQuery {
  status?: string;
  customerId?: string;
  page: number;
  pageSize: number;
}

export interface DurationStats {
  count: number;
  median: number | null;
  p90: number | null;
}

export interface ConversationAnalytics {
  from: string;
  to: string;
  created: number;
  resolved: number;
  byStatus: Record<string, number>;
  firstResponseSeconds: DurationStats;
  resolutionSeconds: DurationStats;
  csat: { responses: number; average: number | null; distribution: Record<'1' | '2' | '3' | '4' | '5', number> };
  agents: {
    assigneeId: number | null;
    conversations: number;
    resolved: number;
    medianFirstResponseSeconds: number | null;
    medianResolutionSeconds: number | null;
    csatAverage: number | null;
  }[];
}

export function toConversationView(c: ConversationRecord): ConversationView {
  return {
    displayId: c.displayId,
    accountId: c.accountId,
    contactId: c.contactId,
    customerId: c.customerId,
    customerTier: c.customerTier,
    inboxId: c.inboxId,
    status: c.status,
    priority: c.priority,
    assigneeId: c.assigneeId,
    teamId: c.teamId,
    labels: c.labels,
    createdAt: c.createdAt.toISOString(),
    lastActivityAt: c.lastActivityAt?.toISOString() ?? null,
    firstResponseAt: c.firstResponseAt?.toISOString() ?? null,
    firstResponseSeconds: c.firstResponseSeconds,
    resolvedAt: c.resolvedAt?.toISOString() ?? null,
    resolutionSeconds: c.resolutionSeconds,
    reopenCount: c.reopenCount,
    incomingCount: c.incomingCount,
    outgoingCount: c.outgoingCount,
    csatRating: c.csatRating,
    csatFeedback: c.csatFeedback,
  };
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const round = (v: unknown): number | null => (v === null || v === undefined ? null : Math.round(Number(v) * 100) / 100);

/** Conversations as webhooks recorded them; exported for the tracking and context modules. */
@Injectable()
export class ConversationsService {
  constructor(private readonly conversations: ConversationRepository) {}

  async list(storeId: string, query: ConversationListQuery): Promise<{ items: ConversationView[]; total: number }> {
    const { rows, total } = await this.conversations
      .forStore(storeId)
      .page({ status: query.status, customerId: query.customerId }, (query.page - 1) * query.pageSize, query.pageSize);
    return { items: rows.map(toConversationView), total };
  }

  /** 404 CONVERSATION_NOT_FOUND for an unknown display id. */
  async get(storeId: string, displayId: number): Promise<ConversationView> {
    const row = await this.conversations.forStore(storeId).get(displayId);
    if (!row) throw new NotFoundError(`Conversation ${displayId}`, 'CONVERSATION_NOT_FOUND');
    return toConversationView(row);
  }

  /** Conversations created in [from, to), oldest first (attribution windows). */
  async between(storeId: string, from: Date, to: Date): Promise<ConversationView[]> {
    const rows = await this.conversations.forStore(storeId).createdBetween(from, new Date(to.getTime() - 1), 10_000);
    return rows.map(toConversationView);
  }

  async analytics(storeId: string, from: Date, to: Date): Promise<ConversationAnalytics> {
    const conversations = this.conversations.forStore(storeId);
    const totals = await conversations.analyticsTotals(from, to);
    const statuses = await conversations.countsByStatus(from, to);
    const agents = await conversations.agentAnalytics(from, to);
    return {
      from: from.toISOString(),
      to: to.toISOString(),
      created: Number(totals.created),
      resolved: Number(totals.resolved),
      byStatus: Object.fromEntries(statuses.map((s) => [s.status, Number(s.n)])),
      firstResponseSeconds: { count: Number(totals.frtCount), median: round(totals.frtMedian), p90: round(totals.frtP90) },
      resolutionSeconds: { count: Number(totals.resCount), median: round(totals.resMedian), p90: round(totals.resP90) },
      csat: {
        responses: Number(totals.csatCount),
        average: round(totals.csatAvg),
        distribution: {
          '1': Number(totals.c1),
          '2': Number(totals.c2),
          '3': Number(totals.c3),
          '4': Number(totals.c4),
          '5': Number(totals.c5),
        },
      },
      agents: agents.map((a) => ({
        assigneeId: num(a.assigneeId),
        conversations: Number(a.conversations),
        resolved: Number(a.resolved),
        medianFirstResponseSeconds: round(a.frtMedian),
        medianResolutionSeconds: round(a.resMedian),
        csatAverage: round(a.csatAvg),
      })),
    };
  }
}
