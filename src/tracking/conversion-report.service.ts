import { Injectable } from '@nestjs/common';
import { StoreDirectory } from '../accounts/store-directory.service';
import { ChatAttributionRepository, type AttributionDayAgentRow as AttributionRow } from './chat-attribution.repository';
import { ConversionPeriodRepository } from './conversion-period.repository';
import { resolvePeriod, safeTimezone, todayIn } from './conversion-report.period';
import type {
  ConversionAgentDto,
  ConversionFiguresDto,
  ConversionQueryDto,
  ConversionReportDto,
  MoneyDto,
} from './dto/conversion-report.dto';
import { StorefrontActivityRepository, type FunnelDayRow as EventRow } from './storefront-activity.repository';
import { TrackedFactsRepository, type ConversationDayAgentRow as ConversationRow } from './tracked-facts.repository';

const round = (value: number | null, digits: number): number | null =>
  value === null ? null : Math.round(value * 10 ** digits) / 10 ** digits;
const rate = (part: number, whole: number): number | null => (whole > 0 ? round(part / whole, 4) : null);

/**
 * Widget funnel and chat-to-sale figures for a period of whole days in the store's timezone.
 * Events and conversations count by when they happened; orders by when they were placed.
 */
@Injectable()
export class ConversionReportService {
  constructor(
    private readonly stores: StoreDirectory,
    private readonly periods: ConversionPeriodRepository,
    private readonly activity: StorefrontActivityRepository,
    private readonly facts: TrackedFactsRepository,
    private readonly attributionsOf: ChatAttributionRepository,
  ) {}

  async report(storeId: string, query: ConversionQueryDto): Promise<ConversionReportDto> {
    const store = await this.stores.get(storeId);
    const timezone = safeTimezone(store.timezone);
    const period = resolvePeriod(query.from, query.to, todayIn(timezone));
    const bounds = await this.periods.bounds(period.from, period.to, timezone);
    const events = await this.activity.forStore(storeId).funnelByDay(timezone, bounds.start, bounds.end);
    const conversations = await this.facts.forStore(storeId).conversationsByDayAndAgent(timezone, bounds.start, bounds.end);
    const attributions = await this.attributionsOf.forStore(storeId).byDayAndAgent(timezone, bounds.start, bounds.end);

    const money = (rows: AttributionRow[]): MoneyDto[] =>
      rows
        .map((r) => ({
          currency: r.currency,
          amountMinor: Number(r.revenue),
          formatted: formatMoney(Number(r.revenue), r.currency, store.locale),
        }))
        .sort((a, b) =>
          a.currency === store.currency ? -1 : b.currency === store.currency ? 1 : a.currency.localeCompare(b.currency),
        );

    const figures = (e: EventRow | undefined, c: ConversationRow | undefined, a: AttributionRow[]): ConversionFiguresDto => ({
      widgetLoads: e?.loads ?? 0,
      loadTimeP50Ms: round(e?.p50 ?? null, 1),
      loadTimeP95Ms: round(e?.p95 ?? null, 1),
      widgetOpens: e?.opens ?? 0,
      conversationsStarted: e?.started ?? 0,
      openToConversationRate: rate(e?.started ?? 0, e?.opens ?? 0),
      conversations: c?.conversations ?? 0,
      convertedConversations: c?.converted ?? 0,
      conversationToOrderRate: rate(c?.converted ?? 0, c?.conversations ?? 0),
      attributedOrders: a.reduce((sum, r) => sum + r.orders, 0),
      attributedRevenue: money(a),
    });

    const dayConversations = conversations.filter((r) => r.byDay);
    const dayAttributions = attributions.filter((r) => r.byDay);
    const days = period.days.map((date) => ({
      date,
      ...figures(
        events.find((r) => r.day === date),
        dayConversations.find((r) => r.day === date),
        dayAttributions.filter((r) => r.day === date),
      ),
    }));

    const agentConversations = conversations.filter((r) => r.byAgent);
    const agentAttributions = attributions.filter((r) => r.byAgent);
    const agentIds = [...new Set([...agentConversations, ...agentAttributions].map((r) => r.assigneeId))];
    const agents: ConversionAgentDto[] = agentIds
      .map((agentId) => {
        const c = agentConversations.find((r) => r.assigneeId === agentId);
        const a = agentAttributions.filter((r) => r.assigneeId === agentId);
        return {
          agentId,
          conversations: c?.conversations ?? 0,
          convertedConversations: c?.converted ?? 0,
          conversationToOrderRate: rate(c?.converted ?? 0, c?.conversations ?? 0),
          attributedOrders: a.reduce((sum, r) => sum + r.orders, 0),
          attributedRevenue: money(a),
        };
      })
      .sort((x, y) => y.conversations - x.conversations || (x.agentId ?? Infinity) - (y.agentId ?? Infinity));

    return {
      storeId,
      from: period.from,
      to: period.to,
      timezone,
      totals: figures(
        events.find((r) => r.day === null),
        conversations.find((r) => !r.byDay && !r.byAgent),
        attributions.filter((r) => !r.byDay && !r.byAgent),
      ),
      days,
      agents,
    };
  }
}

/** Minor units to a display string in the store's locale (e.g. 12990 EUR → "€129.90"). */
export function formatMoney(amountMinor: number, currency: string, locale: string): string {
  try {
    const format = new Intl.NumberFormat(locale, { style: 'currency', currency });
    const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
    return format.format(amountMinor / 10 ** digits);
  } catch {
    return `${amountMinor} ${currency} (minor units)`;
  }
}
