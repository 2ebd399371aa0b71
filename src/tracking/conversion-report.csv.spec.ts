import { describe, expect, it } from 'vitest';
import { conversionReportCsv, wantsCsv } from './conversion-report.csv';
import type { ConversionFiguresDto, ConversionReportDto } from './dto/conversion-report.dto';

function figures(overrides: Partial<ConversionFiguresDto> = {}): ConversionFiguresDto {
  return {
    widgetLoads: 0,
    loadTimeP50Ms: null,
    loadTimeP95Ms: null,
    widgetOpens: 0,
    conversationsStarted: 0,
    openToConversationRate: null,
    conversations: 0,
    convertedConversations: 0,
    conversationToOrderRate: null,
    attributedOrders: 0,
    attributedRevenue: [],
    ...overrides,
  };
}

describe('conversionReportCsv', () => {
  it('writes a header and one row per day with a column per currency', () => {
    const report: ConversionReportDto = {
      storeId: 's',
      from: '2025-03-10',
      to: '2025-03-11',
      timezone: 'UTC',
      totals: figures({
        attributedRevenue: [
          { currency: 'USD', amountMinor: 500, formatted: '$5.00' },
          { currency: 'EUR', amountMinor: 1000, formatted: '€10.00' },
        ],
      }),
      days: [
        {
          date: '2025-03-10',
          ...figures({
            widgetLoads: 3,
            loadTimeP50Ms: 250,
            loadTimeP95Ms: 385.5,
            widgetOpens: 2,
            conversationsStarted: 1,
            openToConversationRate: 0.5,
            conversations: 1,
            convertedConversations: 1,
            conversationToOrderRate: 1,
            attributedOrders: 1,
            attributedRevenue: [{ currency: 'EUR', amountMinor: 1000, formatted: '€10.00' }],
          }),
        },
        { date: '2025-03-11', ...figures({ attributedRevenue: [{ currency: 'USD', amountMinor: 500, formatted: '$5.00' }] }) },
      ],
      agents: [],
    };
    const lines = conversionReportCsv(report).split('\r\n');
    expect(lines[0]).toBe(
      'date,widget_loads,load_time_p50_ms,load_time_p95_ms,widget_opens,conversations_started,open_to_conversation_rate,' +
        'conversations,converted_conversations,conversation_to_order_rate,attributed_orders,' +
        'attributed_revenue_minor_EUR,attributed_revenue_minor_USD',
    );
    expect(lines[1]).toBe('2025-03-10,3,250,385.5,2,1,0.5,1,1,1,1,1000,0');
    expect(lines[2]).toBe('2025-03-11,0,,,0,0,,0,0,,0,0,500');
    expect(lines[3]).toBe('');
    expect(lines).toHaveLength(4);
  });
});

describe('wantsCsv', () => {
  it('recognises text/csv among accepted types', () => {
    expect(wantsCsv('text/csv')).toBe(true);
    expect(wantsCsv('application/json, text/csv;q=0.9')).toBe(true);
    expect(wantsCsv('application/json')).toBe(false);
    expect(wantsCsv('text/csvx')).toBe(false);
    expect(wantsCsv(undefined)).toBe(false);
  });
});
