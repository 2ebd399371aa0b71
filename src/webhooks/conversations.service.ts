import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Between, Repository, type FindOptionsWhere } from 'typeorm';
import { NotFoundError } from '../common/errors/domain-error';
import { Conversation } from './entities/conversation.entity';

export interface ConversationView {
  displayId: number;
  accountId: number | null;
  contactId: number | null;
  customerId: string | null;
  customerTier: string | null;
  inboxId: number | null;
  status: string;
  priority: string | null;
  assigneeId: number | null;
  teamId: number | null;
  labels: string[];
  createdAt: string;
  lastActivityAt: string | null;
  firstResponseAt: string | null;
  firstResponseSeconds: number | null;
  resolvedAt: string | null;
  resolutionSeconds: number | null;
  reopenCount: number;
  incomingCount: number;
  outgoingCount: number;
  csatRating: number | null;
  csatFeedback: string | null;
}

export interface ConversationListQuery {
  status?: string;
  customerId?: string;
  page: number;
  pageSize: number;
}

export interface Satisfaction {
  ratings: number;
  average: number | null;
  last: number | null;
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

export function toConversationView(c: Conversation): ConversationView {
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
  constructor(@InjectRepository(Conversation) private readonly conversations: Repository<Conversation>) {}

  async list(storeId: string, query: ConversationListQuery): Promise<{ items: ConversationView[]; total: number }> {
    const where: FindOptionsWhere<Conversation> = { storeId };
    if (query.status) where.status = query.status;
    if (query.customerId) where.customerId = query.customerId;
    const [rows, total] = await this.conversations.findAndCount({
      where,
      order: { createdAt: 'DESC', displayId: 'DESC' },
      skip: (query.page - 1) * query.pageSize,
      take: query.pageSize,
    });
    return { items: rows.map(toConversationView), total };
  }

  /** A customer's latest conversations, newest first. */
  async listForCustomer(storeId: string, customerId: string, limit = 10): Promise<ConversationView[]> {
    const rows = await this.conversations.find({
      where: { storeId, customerId },
      order: { createdAt: 'DESC' },
      take: Math.min(Math.max(limit, 1), 100),
    });
    return rows.map(toConversationView);
  }

  /** 404 CONVERSATION_NOT_FOUND for an unknown display id. */
  async get(storeId: string, displayId: number): Promise<ConversationView> {
    const row = await this.conversations.findOne({ where: { storeId, displayId } });
    if (!row) throw new NotFoundError(`Conversation ${displayId}`, 'CONVERSATION_NOT_FOUND');
    return toConversationView(row);
  }

  async satisfaction(storeId: string, customerId: string): Promise<Satisfaction> {
    const [row] = (await this.conversations.query(
      `select count(csat_rating) as ratings, avg(csat_rating) as average,
              (array_agg(csat_rating order by csat_at desc) filter (where csat_rating is not null))[1] as last
         from conversations where store_id = $1 and customer_id = $2`,
      [storeId, customerId],
    )) as Record<string, unknown>[];
    return { ratings: Number(row.ratings), average: round(row.average), last: num(row.last) };
  }

  /** Conversations created in [from, to), oldest first (attribution windows). */
  async between(storeId: string, from: Date, to: Date): Promise<ConversationView[]> {
    const rows = await this.conversations.find({
      where: { storeId, createdAt: Between(from, new Date(to.getTime() - 1)) },
      order: { createdAt: 'ASC' },
      take: 10_000,
    });
    return rows.map(toConversationView);
  }

  async analytics(storeId: string, from: Date, to: Date): Promise<ConversationAnalytics> {
    const params = [storeId, from, to];
    const inRange = 'store_id = $1 and created_at >= $2 and created_at < $3';
    const [totals] = (await this.conversations.query(
      `select
         (select count(*) from conversations where ${inRange}) as created,
         (select count(*) from conversations where store_id = $1 and resolved_at >= $2 and resolved_at < $3) as resolved,
         percentile_cont(0.5) within group (order by first_response_seconds) as frt_median,
         percentile_cont(0.9) within group (order by first_response_seconds) as frt_p90,
         count(first_response_seconds) as frt_count,
         percentile_cont(0.5) within group (order by resolution_seconds) as res_median,
         percentile_cont(0.9) within group (order by resolution_seconds) as res_p90,
         count(resolution_seconds) as res_count,
         count(csat_rating) as csat_count,
         avg(csat_rating) as csat_avg,
         count(*) filter (where csat_rating = 1) as c1, count(*) filter (where csat_rating = 2) as c2,
         count(*) filter (where csat_rating = 3) as c3, count(*) filter (where csat_rating = 4) as c4,
         count(*) filter (where csat_rating = 5) as c5
       from conversations where ${inRange}`,
      params,
    )) as Record<string, unknown>[];
    const statuses = (await this.conversations.query(
      `select status, count(*) as n from conversations where ${inRange} group by status`,
      params,
    )) as { status: string; n: string }[];
    const agents = (await this.conversations.query(
      `select assignee_id, count(*) as conversations, count(resolved_at) as resolved,
              percentile_cont(0.5) within group (order by first_response_seconds) as frt_median,
              percentile_cont(0.5) within group (order by resolution_seconds) as res_median,
              avg(csat_rating) as csat_avg
         from conversations where ${inRange}
        group by assignee_id order by count(*) desc, assignee_id nulls last`,
      params,
    )) as Record<string, unknown>[];
    return {
      from: from.toISOString(),
      to: to.toISOString(),
      created: Number(totals.created),
      resolved: Number(totals.resolved),
      byStatus: Object.fromEntries(statuses.map((s) => [s.status, Number(s.n)])),
      firstResponseSeconds: { count: Number(totals.frt_count), median: round(totals.frt_median), p90: round(totals.frt_p90) },
      resolutionSeconds: { count: Number(totals.res_count), median: round(totals.res_median), p90: round(totals.res_p90) },
      csat: {
        responses: Number(totals.csat_count),
        average: round(totals.csat_avg),
        distribution: {
          '1': Number(totals.c1),
          '2': Number(totals.c2),
          '3': Number(totals.c3),
          '4': Number(totals.c4),
          '5': Number(totals.c5),
        },
      },
      agents: agents.map((a) => ({
        assigneeId: num(a.assignee_id),
        conversations: Number(a.conversations),
        resolved: Number(a.resolved),
        medianFirstResponseSeconds: round(a.frt_median),
        medianResolutionSeconds: round(a.res_median),
        csatAverage: round(a.csat_avg),
      })),
    };
  }
}
