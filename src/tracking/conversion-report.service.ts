import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { StoreDirectory } from '../accounts/store-directory.service';
import { resolvePeriod, safeTimezone, todayIn } from './conversion-report.period';
import type {
  ConversionAgentDto,
  ConversionFiguresDto,
  ConversionQueryDto,
  ConversionReportDto,
  MoneyDto,
} from './dto/conversion-report.dto';

interface EventRow {
  day: string | null;
  loads: number;
  p50: number | null;
  p95: number | null;
  opens: number;
  started: number;
}

interface ConversationRow {
  day: string | null;
  assignee_id: number | null;
  by_day: number;
  by_agent: number;
  conversations: number;
  converted: number;
}

interface AttributionRow {
  day: string | null;
  assignee_id: number | null;
  by_day: number;
  by_agent: number;
  currency: string;
  orders: number;
  revenue: string;
}

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
    private readonly db: DataSource,
    private readonly stores: StoreDirectory,
  ) {}

  async report(storeId: string, query: ConversionQueryDto): Promise<ConversionReportDto> {
    const store = await this.stores.get(storeId);
    const timezone = safeTimezone(store.timezone);
    const period = resolvePeriod(query.from, query.to, todayIn(timezone));
    const [bounds] = (await this.db.query(
      `select ($1::date)::timestamp at time zone $3 as start, ($2::date + 1)::timestamp at time zone $3 as end`,
      [period.from, period.to, timezone],
    )) as { start: Date; end: Date }[];
    const params = [storeId, timezone, bounds.start, bounds.end];
    const dayOf = (column: string) => `to_char((${column} at time zone $2)::date, 'YYYY-MM-DD')`;

    const events = (await this.db.query(
      `select ${dayOf('at')} as day,
              (count(*) filter (where type = 'widget_loaded'))::int as loads,
              percentile_cont(0.5) within group (order by load_time_ms) filter (where type = 'widget_loaded') as p50,
              percentile_cont(0.95) within group (order by load_time_ms) filter (where type = 'widget_loaded') as p95,
              (count(*) filter (where type = 'widget_opened'))::int as opens,
              (count(*) filter (where type = 'conversation_started'))::int as started
         from tracking_events
        where store_id = $1 and at >= $3 and at < $4 and type in ('widget_loaded', 'widget_opened', 'conversation_started')
        group by rollup (1)`,
      params,
    )) as EventRow[];

    const conversations = (await this.db.query(
      `select ${dayOf('c.created_at')} as day, c.assignee_id,
              grouping(${dayOf('c.created_at')}) = 0 as by_day, grouping(c.assignee_id) = 0 as by_agent,
              count(*)::int as conversations,
              (count(*) filter (where exists (select 1 from chat_attributions a
                 where a.store_id = c.store_id and a.conversation_display_id = c.display_id)))::int as converted
         from tracked_conversations c
        where c.store_id = $1 and c.created_at >= $3 and c.created_at < $4
        group by grouping sets ((${dayOf('c.created_at')}), (c.assignee_id), ())`,
      params,
    )) as ConversationRow[];

    const attributions = (await this.db.query(
      `select ${dayOf('a.placed_at')} as day, c.assignee_id,
              grouping(${dayOf('a.placed_at')}) = 0 as by_day, grouping(c.assignee_id) = 0 as by_agent,
              a.currency, count(*)::int as orders, sum(a.total_amount)::text as revenue
         from chat_attributions a
         left join tracked_conversations c on c.store_id = a.store_id and c.display_id = a.conversation_display_id
        where a.store_id = $1 and a.placed_at >= $3 and a.placed_at < $4
        group by grouping sets ((${dayOf('a.placed_at')}, a.currency), (c.assignee_id, a.currency), (a.currency))`,
      params,
    )) as AttributionRow[];

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

    const dayConversations = conversations.filter((r) => r.by_day);
    const dayAttributions = attributions.filter((r) => r.by_day);
    const days = period.days.map((date) => ({
      date,
      ...figures(
        events.find((r) => r.day === date),
        dayConversations.find((r) => r.day === date),
        dayAttributions.filter((r) => r.day === date),
      ),
    }));

    const agentConversations = conversations.filter((r) => r.by_agent);
    const agentAttributions = attributions.filter((r) => r.by_agent);
    const agentIds = [...new Set([...agentConversations, ...agentAttributions].map((r) => r.assignee_id))];
    const agents: ConversionAgentDto[] = agentIds
      .map((agentId) => {
        const c = agentConversations.find((r) => r.assignee_id === agentId);
        const a = agentAttributions.filter((r) => r.assignee_id === agentId);
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
        conversations.find((r) => !r.by_day && !r.by_agent),
        attributions.filter((r) => !r.by_day && !r.by_agent),
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
