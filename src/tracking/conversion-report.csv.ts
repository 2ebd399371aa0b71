import type { ConversionReportDto } from './dto/conversion-report.dto';

function cell(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The per-day rows of a conversion report as CSV (RFC 4180, CRLF). Revenue gets one column
 * per currency of the report (`attributed_revenue_minor_<CUR>`), so amounts stay summable.
 */
export function conversionReportCsv(report: ConversionReportDto): string {
  const currencies = [...new Set(report.totals.attributedRevenue.map((m) => m.currency))].sort();
  const header = [
    'date',
    'widget_loads',
    'load_time_p50_ms',
    'load_time_p95_ms',
    'widget_opens',
    'conversations_started',
    'open_to_conversation_rate',
    'conversations',
    'converted_conversations',
    'conversation_to_order_rate',
    'attributed_orders',
    ...currencies.map((c) => `attributed_revenue_minor_${c}`),
  ];
  const rows = report.days.map((d) => [
    d.date,
    d.widgetLoads,
    d.loadTimeP50Ms,
    d.loadTimeP95Ms,
    d.widgetOpens,
    d.conversationsStarted,
    d.openToConversationRate,
    d.conversations,
    d.convertedConversations,
    d.conversationToOrderRate,
    d.attributedOrders,
    ...currencies.map((c) => d.attributedRevenue.find((m) => m.currency === c)?.amountMinor ?? 0),
  ]);
  return [header, ...rows].map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
}

/** True when the caller asked for CSV rather than JSON. */
export function wantsCsv(accept: string | undefined): boolean {
  return /(^|,)\s*text\/csv\s*(;|,|$)/i.test(accept ?? '');
}
