import { Injectable } from '@nestjs/common';
import { StoreDirectory, type StoreView } from '../accounts/store-directory.service';
import { ChatwootApiError } from '../chatwoot/chatwoot-api.error';
import { DomainError, NotFoundError } from '../common/errors/domain-error';
import { cartValue } from '../contacts/attributes/cart';
import { CustomerDataService } from '../contacts/customer-data.service';
import { MetricsService } from '../observability/metrics.service';
import { SESSION_IDLE_MS } from '../tracking/journey.service';
import { actingAgent, type AgentPrincipal } from './auth/agent-principal';
import { CONTEXT_TTL_MS, contactTag, ContextCacheService, customerTag, storeTag, UNLINKED_TTL_MS } from './context-cache.service';
import type {
  CartRead,
  ContactContextRead,
  ConversationRead,
  CustomerFigures,
  EscalationRead,
  LinkedCustomer,
  OrderRead,
  ShipmentRead,
} from './context-read.types';
import { ContextReadRepository } from './context.repository';
import { ACTIONS_IN_CONTEXT, actionPanel } from '../order-actions/order-action.service';
import { AgentAllowanceRepository } from './agent-allowance.repository';
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

/** What a view computed, and the customer it is about (for the cache tag). */
interface Computed<T> {
  customerId: string | null;
  value: T;
}

/**
 * Everything the agent sees about the customer behind a Chatwoot contact. The context and
 * orders views are one SQL statement each ({@link ContextReadRepository}); recommendations ask
 * the contacts module's read service. Answers are cached per contact and dropped when the
 * customer's data changes.
 */
@Injectable()
export class ContextService {
  constructor(
    private readonly reads: ContextReadRepository,
    private readonly customers: CustomerDataService,
    private readonly stores: StoreDirectory,
    private readonly cache: ContextCacheService,
    metrics: MetricsService,
    private readonly allowances: AgentAllowanceRepository,
  ) {
    this.readDuration = metrics.histogram('context_read_duration_seconds', 'Time to compute an uncached context view', ['view']);
  }

  private readonly readDuration;

  /** `reportedAgentId`: who the dashboard app says is asking; a verified agent token wins over it. */
  async context(principal: AgentPrincipal, contactId: number, reportedAgentId?: number) {
    const answer = await this.cachedContext(principal, contactId);
    const agentId = actingAgent(principal, { agentId: reportedAgentId }).id;
    return { ...answer, ...(await this.actionSections(principal, answer.customer?.id ?? null, agentId)) };
  }

  /**
   * Order actions and what is left of this agent's refund and discount allowances: read fresh on
   * every call, because they change with the agent's actions on any customer.
   */
  private async actionSections(principal: AgentPrincipal, customerId: string | null, agentId: number | null) {
    const discounts = principal.store.settings.discounts;
    const used = await this.allowances.forStore(principal.store.id).read(customerId, agentId, ACTIONS_IN_CONTEXT);
    return {
      ...actionPanel(principal.store, used.orderActions, used.refundedByAgentToday),
      discount_policy: {
        max_percent: discounts.maxPercent,
        max_fixed_amount: discounts.maxFixedAmount,
        max_per_agent_per_day: discounts.maxPerAgentPerDay,
        used_by_agent_today: used.discountCodesIssuedToday,
      },
    };
  }

  private async cachedContext(principal: AgentPrincipal, contactId: number) {
    const store = principal.store;
    return this.cached<LinkedContext | UnlinkedContext>(principal, contactId, 'context', CONTEXT_TTL_MS, async () => {
      const read = await this.reads.forStore(store.id).contact(contactId, {
        timezone: safeZone(store.timezone),
        currency: store.currency,
        recentOrders: RECENT_ORDERS_IN_CONTEXT,
        months: HISTORY_MONTHS,
        conversations: CONVERSATIONS_IN_CONTEXT,
        escalations: ESCALATIONS_IN_CONTEXT,
      });
      const customer = read.customer;
      if (!customer) return { customerId: null, value: await this.unlinked(principal, contactId, read.escalations) };
      return { customerId: customer.customerId, value: linkedView(store, contactId, customer, read) };
    });
  }

  async orders(principal: AgentPrincipal, contactId: number, limit: number) {
    return this.cached(principal, contactId, `orders:${limit}`, CONTEXT_TTL_MS, async () => {
      const read = requireLinked(await this.reads.forStore(principal.store.id).orders(contactId, limit));
      return { customerId: read.customerId, value: { customer_id: read.customerId, orders: read.orders.map(orderView) } };
    });
  }

  async cart(principal: AgentPrincipal, contactId: number) {
    const store = principal.store;
    return this.cached(principal, contactId, 'cart', CONTEXT_TTL_MS, async () => {
      const read = requireLinked(await this.reads.forStore(store.id).cart(contactId));
      const cart = read.cart ? cartView(read.cart) : { items: [], total: 0, updated_at: null };
      return { customerId: read.customerId, value: { customer_id: read.customerId, ...cart, currency: store.currency } };
    });
  }

  async insights(principal: AgentPrincipal, contactId: number, now = new Date()) {
    const store = principal.store;
    return this.cached(principal, contactId, 'insights', CONTEXT_TTL_MS, async () => {
      const read = requireLinked(
        await this.reads.forStore(store.id).insights(contactId, {
          timezone: safeZone(store.timezone),
          currency: store.currency,
          months: HISTORY_MONTHS,
          recentOrders: 20,
        }),
      );
      const linked = read.customer;
      const monthly = read.monthlySpend;
      const settings = store.settings;
      const progress = tierProgress(linked.totalSpent, settings.tiers);
      const trend = spendTrend(monthly, now);
      const seasons = seasonalPatterns(monthly);
      const risk = churnRisk({
        orderCount: linked.orderCount,
        firstOrderAt: linked.firstOrderAt,
        lastOrderAt: linked.lastOrderAt,
        recentOrderDates: read.recentOrders
          .filter((o) => o.status !== 'cancelled' && o.status !== 'refunded')
          .map((o) => o.placedAt),
        now,
      });
      const frequency = purchaseFrequency(linked.orderCount, linked.firstOrderAt, linked.lastOrderAt);
      const value = {
        customer_id: linked.customerId,
        currency: store.currency,
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
      return { customerId: linked.customerId, value };
    });
  }

  async recommendations(principal: AgentPrincipal, contactId: number) {
    const storeId = principal.store.id;
    return this.cached(principal, contactId, 'recommendations', RECOMMENDATIONS_TTL_MS, async () => {
      const linked = requireLinked(await this.reads.forStore(storeId).linkedCustomer(contactId));
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
      const value = {
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
      return { customerId: linked.customerId, value };
    });
  }

  /** The customer behind a contact of this store (uncached; actions use it). */
  findCustomer(storeId: string, contactId: number): Promise<LinkedCustomer | null> {
    return this.reads.forStore(storeId).linkedCustomer(contactId);
  }

  private async unlinked(principal: AgentPrincipal, contactId: number, escalations: EscalationRead[]) {
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
      escalation_history: escalations.map(escalationView),
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
   * Cached per contact and view. The snapshot is taken before the read, which also tells whose
   * customer it is: a change of the contact, the store or that customer announced meanwhile
   * keeps the answer out of the cache.
   */
  private async cached<T>(
    principal: AgentPrincipal,
    contactId: number,
    view: string,
    ttlMs: number,
    compute: () => Promise<Computed<T>>,
  ): Promise<T> {
    const storeId = principal.store.id;
    const key = `${storeId}:${contactId}:${view}`;
    const hit = this.cache.get<T>(key);
    if (hit !== undefined) return hit;
    const snapshot = this.cache.cache.snapshot();
    const stop = this.readDuration.startTimer({ view: view.split(':')[0] });
    const { customerId, value } = await compute().finally(() => stop());
    const tags = [contactTag(storeId, contactId), storeTag(storeId)];
    if (customerId) tags.push(customerTag(storeId, customerId));
    this.cache.cache.set(key, value, tags, snapshot, customerId ? ttlMs : UNLINKED_TTL_MS);
    return value;
  }
}

type LinkedContext = ReturnType<typeof linkedView>;
type UnlinkedContext = Awaited<ReturnType<ContextService['unlinked']>>;

function linkedView(store: StoreView, contactId: number, customer: CustomerFigures, read: ContactContextRead) {
  const settings = store.settings;
  const frequency = purchaseFrequency(customer.orderCount, customer.firstOrderAt, customer.lastOrderAt);
  const seasons = seasonalPatterns(read.monthlySpend);
  const live = read.session;
  return {
    linked: true as const,
    contact_id: contactId,
    currency: store.currency,
    locale: store.locale,
    customer: {
      id: customer.customerId,
      name: customer.name,
      email: customer.email,
      tier: tierProgress(customer.totalSpent, settings.tiers).tier,
      registration_date: customer.registeredAt?.toISOString() ?? null,
      total_spent: customer.totalSpent,
      order_count: customer.orderCount,
    },
    recent_orders: read.recentOrders.map(orderView),
    current_cart: read.cart
      ? { ...cartView(read.cart), currency: store.currency }
      : { items: [], total: 0, currency: store.currency, updated_at: null },
    favorite_categories: favoriteCategories(read.categoryTotals),
    purchase_frequency: frequency.label,
    average_days_between_orders: frequency.averageDaysBetweenOrders,
    average_order_value: averageOrderValue(customer.totalSpent, customer.orderCount),
    seasonal_patterns: { peak_months: seasons.peakMonths, by_month: seasons.byMonth },
    previous_conversations: read.conversations.map(conversationView),
    satisfaction_score: read.satisfaction ? round1(read.satisfaction.average) : null,
    rated_conversations: read.satisfaction?.ratedConversations ?? 0,
    escalation_history: read.escalations.map(escalationView),
    current_page: live?.currentPage ?? null,
    session_active: live ? Date.now() - live.lastSeenAt.getTime() < SESSION_IDLE_MS : false,
    last_seen_at: live?.lastSeenAt.toISOString() ?? null,
    session_duration: live ? Math.max(0, Math.round((live.lastSeenAt.getTime() - live.startedAt.getTime()) / 1000)) : null,
    pages_visited: live?.pageViews ?? 0,
    products_viewed: live?.productsViewed.map((productId) => ({ productId, name: null, url: null })) ?? [],
    // Every section now comes from the one read, so none can be missing; kept for the panel's contract.
    unavailable: [] as string[],
  };
}

function requireLinked<T>(read: T | null): T {
  if (!read) throw new DomainError(404, 'CUSTOMER_NOT_LINKED', NOT_LINKED_MESSAGE);
  return read;
}

function orderView(o: OrderRead) {
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
    shipments: o.shipments.map(shipmentView),
  };
}

function shipmentView(s: ShipmentRead) {
  return {
    id: s.id,
    carrier: s.carrier,
    tracking_number: s.trackingNumber,
    tracking_url: s.trackingUrl,
    status: s.status,
    shipped_at: s.shippedAt?.toISOString() ?? null,
    delivered_at: s.deliveredAt?.toISOString() ?? null,
  };
}

function cartView(cart: CartRead) {
  return {
    items: cart.items.map((i) => ({ product_id: i.productId, name: i.name, quantity: i.quantity, unit_price: i.unitPrice })),
    total: cartValue(cart.items),
    updated_at: cart.updatedAt.toISOString(),
  };
}

function conversationView(c: ConversationRead) {
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

function escalationView(e: EscalationRead) {
  return {
    id: e.id,
    conversation_id: e.conversationId,
    reason: e.reason,
    agent_name: e.agentName,
    state: e.state,
    created_at: e.createdAt.toISOString(),
  };
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

/** The store's time zone when PostgreSQL and Intl know it, else UTC (as the contacts module reads months). */
function safeZone(zone: string): string {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone;
  } catch {
    return 'UTC';
  }
}
