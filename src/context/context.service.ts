import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, Repository } from 'typeorm';
import { resolveStoreSettings } from '../accounts/store-settings';
import { StoreDirectory } from '../accounts/store-directory.service';
import { ChatwootApiError } from '../chatwoot/chatwoot-api.error';
import { DomainError, NotFoundError } from '../common/errors/domain-error';
import type { AgentPrincipal } from './auth/agent-principal';
import { CONTEXT_TTL_MS, contactTag, ContextCacheService, customerTag, storeTag, UNLINKED_TTL_MS } from './context-cache.service';
import { Escalation } from './entities/escalation.entity';
import { ConversationReadPort } from './ports/conversation-read.port';
import { CustomerReadPort, type CustomerProfile, type OrderSummary } from './ports/customer-read.port';
import { JourneyReadPort } from './ports/journey-read.port';
import { OrderActionService } from '../order-actions/order-action.service';
import { DiscountUsageRepository } from './discount-usage.repository';
import {
  averageOrderValue,
  churnRisk,
  favoriteCategories,
  monthlySeries,
  purchaseFrequency,
  seasonalPatterns,
  spendTrend,
  tierProgress,
} from './rules/insights.rules';
import { buildRecommendations } from './rules/recommendations.rules';

const RECENT_ORDERS_IN_CONTEXT = 5;
const CONVERSATIONS_IN_CONTEXT = 10;
const ESCALATIONS_IN_CONTEXT = 10;
const HISTORY_MONTHS = 24;
const RECOMMENDATIONS = 6;
/**
 * Co-purchase statistics move slowly and are the costliest read (whole-store order lines), so
 * suggestions live longer; the customer's own changes still drop them at once.
 */
const RECOMMENDATIONS_TTL_MS = 10 * 60_000;

export const NOT_LINKED_MESSAGE =
  'This Chatwoot contact is not linked to a customer of the store yet (no customer with this contact). ' +
  'It is linked when the shop sends the customer or the visitor identifies in the chat widget.';

/**
 * Everything the agent sees about the customer behind a Chatwoot contact, from the contacts,
 * webhooks and tracking modules (through ports) and this module's own tables. Answers are cached
 * per contact and dropped when the customer's data changes.
 */
@Injectable()
export class ContextService {
  constructor(
    private readonly customers: CustomerReadPort,
    private readonly conversations: ConversationReadPort,
    private readonly journeys: JourneyReadPort,
    private readonly stores: StoreDirectory,
    private readonly cache: ContextCacheService,
    @InjectRepository(Escalation) private readonly escalations: Repository<Escalation>,
    private readonly orderActions: OrderActionService,
    private readonly discountUsage: DiscountUsageRepository,
  ) {}

  async context(principal: AgentPrincipal, contactId: number) {
    const answer = await this.cachedContext(principal, contactId);
    return { ...answer, ...(await this.actionSections(principal, answer.customer?.id ?? null)) };
  }

  /**
   * Order actions and what is left of this agent's refund and discount allowances: read fresh on
   * every call (two queries), because they change with the agent's actions on any customer.
   */
  private async actionSections(principal: AgentPrincipal, customerId: string | null) {
    const agentId = principal.agent?.id ?? null;
    const discounts = resolveStoreSettings(principal.store.settings).discounts;
    const [panel, usedToday] = await Promise.all([
      this.orderActions.panel(principal.store, customerId, agentId),
      this.discountUsage.forStore(principal.store.id).issuedByAgentToday(agentId),
    ]);
    return {
      ...panel,
      discount_policy: {
        max_percent: discounts.maxPercent,
        max_fixed_amount: discounts.maxFixedAmount,
        max_per_agent_per_day: discounts.maxPerAgentPerDay,
        used_by_agent_today: usedToday,
      },
    };
  }

  private async cachedContext(principal: AgentPrincipal, contactId: number) {
    const storeId = principal.store.id;
    return this.cached(principal, contactId, 'context', CONTEXT_TTL_MS, async (customer) => {
      if (!customer) return this.unlinked(principal, contactId);
      const [orders, cart, monthly, categories, conversations, satisfaction, escalations, session] = await Promise.all([
        this.customers.recentOrders(storeId, customer.customerId, RECENT_ORDERS_IN_CONTEXT),
        this.customers.cart(storeId, customer.customerId),
        this.customers.monthlySpend(storeId, customer.customerId, HISTORY_MONTHS),
        this.customers.categoryTotals(storeId, customer.customerId),
        optional(this.conversations.listForCustomer(storeId, customer.customerId, CONVERSATIONS_IN_CONTEXT)),
        optional(this.conversations.satisfaction(storeId, customer.customerId)),
        this.escalationHistory(storeId, contactId, customer.customerId),
        optional(this.journeys.currentSession(storeId, customer.customerId)),
      ]);
      const settings = resolveStoreSettings(principal.store.settings);
      const frequency = purchaseFrequency(customer.orderCount, customer.firstOrderAt, customer.lastOrderAt);
      const seasons = seasonalPatterns(monthly);
      const unavailable = [
        ...(conversations === UNAVAILABLE ? ['previous_conversations'] : []),
        ...(satisfaction === UNAVAILABLE ? ['satisfaction_score'] : []),
        ...(session === UNAVAILABLE ? ['current_session'] : []),
      ];
      const live = session === UNAVAILABLE ? null : session;
      return {
        linked: true as const,
        contact_id: contactId,
        currency: principal.store.currency,
        locale: principal.store.locale,
        customer: {
          id: customer.customerId,
          name: customer.name,
          email: customer.email,
          tier: tierProgress(customer.totalSpent, settings.tiers).tier,
          registration_date: customer.registeredAt?.toISOString() ?? null,
          total_spent: customer.totalSpent,
          order_count: customer.orderCount,
        },
        recent_orders: orders.map(orderView),
        current_cart: cart
          ? {
              items: cart.items.map(cartLineView),
              total: cart.total,
              currency: cart.currency,
              updated_at: cart.updatedAt?.toISOString() ?? null,
            }
          : { items: [], total: 0, currency: principal.store.currency, updated_at: null },
        favorite_categories: favoriteCategories(categories),
        purchase_frequency: frequency.label,
        average_days_between_orders: frequency.averageDaysBetweenOrders,
        average_order_value: averageOrderValue(customer.totalSpent, customer.orderCount),
        seasonal_patterns: { peak_months: seasons.peakMonths, by_month: seasons.byMonth },
        previous_conversations: conversations === UNAVAILABLE ? [] : conversations.map(conversationView),
        satisfaction_score: satisfaction === UNAVAILABLE || !satisfaction ? null : round1(satisfaction.average),
        rated_conversations: satisfaction === UNAVAILABLE || !satisfaction ? 0 : satisfaction.ratedConversations,
        escalation_history: escalations,
        current_page: live?.currentPage ?? null,
        session_active: live?.active ?? false,
        last_seen_at: live?.lastSeenAt.toISOString() ?? null,
        session_duration: live ? Math.max(0, Math.round((live.lastSeenAt.getTime() - live.startedAt.getTime()) / 1000)) : null,
        pages_visited: live?.pagesVisited ?? 0,
        products_viewed: live?.productsViewed ?? [],
        unavailable,
      };
    });
  }

  async orders(principal: AgentPrincipal, contactId: number, limit: number) {
    return this.cached(principal, contactId, `orders:${limit}`, CONTEXT_TTL_MS, async (customer) => {
      const linked = requireLinked(customer);
      const orders = await this.customers.recentOrders(principal.store.id, linked.customerId, limit);
      return { customer_id: linked.customerId, orders: orders.map(orderView) };
    });
  }

  async cart(principal: AgentPrincipal, contactId: number) {
    return this.cached(principal, contactId, 'cart', CONTEXT_TTL_MS, async (customer) => {
      const linked = requireLinked(customer);
      const cart = await this.customers.cart(principal.store.id, linked.customerId);
      return {
        customer_id: linked.customerId,
        items: cart?.items.map(cartLineView) ?? [],
        total: cart?.total ?? 0,
        currency: cart?.currency ?? principal.store.currency,
        updated_at: cart?.updatedAt?.toISOString() ?? null,
      };
    });
  }

  async insights(principal: AgentPrincipal, contactId: number, now = new Date()) {
    return this.cached(principal, contactId, 'insights', CONTEXT_TTL_MS, async (customer) => {
      const linked = requireLinked(customer);
      const storeId = principal.store.id;
      const [monthly, recent] = await Promise.all([
        this.customers.monthlySpend(storeId, linked.customerId, HISTORY_MONTHS),
        this.customers.recentOrders(storeId, linked.customerId, 20),
      ]);
      const settings = resolveStoreSettings(principal.store.settings);
      const progress = tierProgress(linked.totalSpent, settings.tiers);
      const trend = spendTrend(monthly, now);
      const seasons = seasonalPatterns(monthly);
      const risk = churnRisk({
        orderCount: linked.orderCount,
        firstOrderAt: linked.firstOrderAt,
        lastOrderAt: linked.lastOrderAt,
        recentOrderDates: recent.filter((o) => o.status !== 'cancelled' && o.status !== 'refunded').map((o) => o.placedAt),
        now,
      });
      const frequency = purchaseFrequency(linked.orderCount, linked.firstOrderAt, linked.lastOrderAt);
      return {
        customer_id: linked.customerId,
        currency: principal.store.currency,
        tier_progress: {
          tier: progress.tier,
          next_tier: progress.nextTier,
          next_tier_at: progress.nextTierAt,
          remaining: progress.remaining,
          progress_percent: progress.progressPercent,
          total_spent: linked.totalSpent,
        },
        spend_trend: {
          direction: trend.direction,
          change_percent: trend.changePercent,
          recent: trend.recent,
          previous: trend.previous,
          window_months: trend.windowMonths,
        },
        monthly_spend: monthlySeries(monthly, now, 12),
        seasonal_patterns: { peak_months: seasons.peakMonths, by_month: seasons.byMonth },
        churn_risk: {
          level: risk.level,
          days_since_last_order: risk.daysSinceLastOrder,
          typical_gap_days: risk.typicalGapDays,
          reason: risk.reason,
        },
        purchase_frequency: frequency.label,
        average_order_value: averageOrderValue(linked.totalSpent, linked.orderCount),
      };
    });
  }

  async recommendations(principal: AgentPrincipal, contactId: number) {
    return this.cached(principal, contactId, 'recommendations', RECOMMENDATIONS_TTL_MS, async (customer) => {
      const linked = requireLinked(customer);
      const storeId = principal.store.id;
      const categories = favoriteCategories(await this.customers.categoryTotals(storeId, linked.customerId), 3);
      const [coPurchased, categoryProducts] = await Promise.all([
        this.customers.coPurchasedProducts(storeId, linked.customerId, RECOMMENDATIONS * 2),
        categories.length > 0
          ? this.customers.productsInCategories(storeId, linked.customerId, categories, RECOMMENDATIONS * 2)
          : Promise.resolve([]),
      ]);
      const items = buildRecommendations({
        coPurchased,
        categoryProducts,
        favoriteCategories: categories,
        limit: RECOMMENDATIONS,
      });
      return {
        customer_id: linked.customerId,
        currency: principal.store.currency,
        recommendations: items.map((r) => ({
          product_id: r.productId,
          name: r.name,
          category: r.category,
          price: r.price,
          url: r.url,
          image_url: r.imageUrl,
          reason_code: r.reasonCode,
          reason: r.reason,
        })),
      };
    });
  }

  /** The customer behind a contact of this store (uncached; actions use it). */
  findCustomer(storeId: string, contactId: number): Promise<CustomerProfile | null> {
    return this.customers.findByContactId(storeId, contactId);
  }

  private async escalationHistory(storeId: string, contactId: number, customerId: string | null) {
    const rows = await this.escalations
      .createQueryBuilder('e')
      .where('e.store_id = :storeId', { storeId })
      .andWhere("e.state <> 'failed'")
      .andWhere(
        new Brackets((w) => {
          w.where('e.contact_id = :contactId', { contactId });
          if (customerId) w.orWhere('e.customer_id = :customerId', { customerId });
        }),
      )
      .orderBy('e.created_at', 'DESC')
      .limit(ESCALATIONS_IN_CONTEXT)
      .getMany();
    return rows.map((e) => ({
      id: e.id,
      conversation_id: e.conversationId,
      reason: e.reason,
      agent_name: e.agentName,
      state: e.state,
      created_at: e.createdAt.toISOString(),
    }));
  }

  private async unlinked(principal: AgentPrincipal, contactId: number) {
    await this.assertContactInAccount(principal, contactId);
    return {
      linked: false as const,
      contact_id: contactId,
      currency: principal.store.currency,
      locale: principal.store.locale,
      customer: null,
      message: NOT_LINKED_MESSAGE,
      recent_orders: [],
      current_cart: null,
      favorite_categories: [],
      purchase_frequency: null,
      average_days_between_orders: null,
      average_order_value: null,
      seasonal_patterns: null,
      previous_conversations: [],
      satisfaction_score: null,
      rated_conversations: 0,
      escalation_history: await this.escalationHistory(principal.store.id, contactId, null),
      current_page: null,
      session_active: false,
      last_seen_at: null,
      session_duration: null,
      pages_visited: 0,
      products_viewed: [],
      unavailable: [],
    };
  }

  /**
   * A contact without a customer may still be a real contact of this account (a visitor who
   * never identified) or one of another account: only Chatwoot knows, so ask it.
   */
  async assertContactInAccount(principal: AgentPrincipal, contactId: number): Promise<void> {
    try {
      const api = await this.stores.chatwootFor(principal.store.id);
      await api.getContact(contactId);
    } catch (error) {
      if (error instanceof ChatwootApiError && error.isNotFound)
        throw new NotFoundError(`Contact ${contactId}`, 'CONTACT_NOT_FOUND');
      throw error;
    }
  }

  /**
   * Cached per contact and view. Tags are snapshotted before the reads: a change announced while
   * the answer is computed keeps it out of the cache.
   */
  private async cached<T>(
    principal: AgentPrincipal,
    contactId: number,
    view: string,
    ttlMs: number,
    compute: (customer: CustomerProfile | null) => Promise<T>,
  ): Promise<T> {
    const storeId = principal.store.id;
    const key = `${storeId}:${contactId}:${view}`;
    const hit = this.cache.get<T>(key);
    if (hit !== undefined) return hit;
    const baseTags = [contactTag(storeId, contactId), storeTag(storeId)];
    const snapshot = this.cache.cache.snapshot(baseTags);
    const customer = await this.customers.findByContactId(storeId, contactId);
    const tags = customer ? [...baseTags, customerTag(storeId, customer.customerId)] : baseTags;
    const full = customer ? [...snapshot, this.cache.cache.snapshot([tags[2]])[1]] : snapshot;
    const value = await compute(customer);
    this.cache.cache.set(key, value, tags, full, customer ? ttlMs : UNLINKED_TTL_MS);
    return value;
  }
}

const UNAVAILABLE = Symbol('unavailable');

/** Sections from modules that are not wired yet (adapter answers 503 NOT_AVAILABLE) are left out, not fatal. */
async function optional<T>(promise: Promise<T>): Promise<T | typeof UNAVAILABLE> {
  try {
    return await promise;
  } catch (error) {
    if (error instanceof DomainError && error.statusCode === 503) return UNAVAILABLE;
    throw error;
  }
}

function requireLinked(customer: CustomerProfile | null): CustomerProfile {
  if (!customer) throw new DomainError(404, 'CUSTOMER_NOT_LINKED', NOT_LINKED_MESSAGE);
  return customer;
}

function orderView(o: OrderSummary) {
  return {
    id: o.orderId,
    status: o.status,
    total: o.totalAmount,
    currency: o.currency,
    placed_at: o.placedAt.toISOString(),
    discount_code: o.discountCode,
    items: o.items.map((i) => ({
      product_id: i.productId,
      name: i.name,
      category: i.category,
      quantity: i.quantity,
      unit_price: i.unitPrice,
    })),
  };
}

function cartLineView(i: { productId: string; name: string; quantity: number; unitPrice: number }) {
  return { product_id: i.productId, name: i.name, quantity: i.quantity, unit_price: i.unitPrice };
}

function conversationView(c: {
  displayId: number;
  status: string;
  priority: string | null;
  labels: string[];
  createdAt: Date;
  resolvedAt: Date | null;
  csatRating: number | null;
}) {
  return {
    id: c.displayId,
    status: c.status,
    priority: c.priority,
    labels: c.labels,
    created_at: c.createdAt.toISOString(),
    resolved_at: c.resolvedAt?.toISOString() ?? null,
    csat_rating: c.csatRating,
  };
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
