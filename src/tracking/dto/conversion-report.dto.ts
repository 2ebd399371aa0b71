import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, Matches } from 'class-validator';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export class ConversionQueryDto {
  @ApiPropertyOptional({
    example: '2025-03-01',
    description: 'First day (YYYY-MM-DD, store timezone, inclusive); default: 29 days before `to`',
  })
  @IsOptional()
  @Matches(DAY, { message: 'from must be a day as YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'from must be a valid calendar day' })
  from?: string;

  @ApiPropertyOptional({ example: '2025-03-31', description: 'Last day (YYYY-MM-DD, store timezone, inclusive); default: today' })
  @IsOptional()
  @Matches(DAY, { message: 'to must be a day as YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'to must be a valid calendar day' })
  to?: string;
}

export class MoneyDto {
  @ApiProperty({ example: 'EUR' })
  currency: string;

  @ApiProperty({ example: 12990, description: 'Minor units' })
  amountMinor: number;

  @ApiProperty({ example: '€129.90', description: "Formatted with the store's locale" })
  formatted: string;
}

export class ConversionFiguresDto {
  @ApiProperty({ description: 'widget_loaded events' })
  widgetLoads: number;

  @ApiProperty({ nullable: true, type: Number, description: 'Median widget load time (ms, percentile_cont)' })
  loadTimeP50Ms: number | null;

  @ApiProperty({ nullable: true, type: Number, description: '95th percentile widget load time (ms, percentile_cont)' })
  loadTimeP95Ms: number | null;

  @ApiProperty({ description: 'widget_opened events' })
  widgetOpens: number;

  @ApiProperty({ description: 'conversation_started events reported by tracker.js' })
  conversationsStarted: number;

  @ApiProperty({ nullable: true, type: Number, description: 'conversationsStarted / widgetOpens (0..1); null without opens' })
  openToConversationRate: number | null;

  @ApiProperty({ description: 'Chatwoot conversations created in the period (from conversation.changed)' })
  conversations: number;

  @ApiProperty({ description: 'Of those conversations, the ones credited with at least one order' })
  convertedConversations: number;

  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'convertedConversations / conversations (0..1); null without conversations',
  })
  conversationToOrderRate: number | null;

  @ApiProperty({ description: 'Attributed orders placed in the period' })
  attributedOrders: number;

  @ApiProperty({ type: [MoneyDto], description: 'Revenue of the attributed orders, per currency' })
  attributedRevenue: MoneyDto[];
}

export class ConversionDayDto extends ConversionFiguresDto {
  @ApiProperty({ example: '2025-03-10', description: 'Day in the store timezone' })
  date: string;
}

export class ConversionAgentDto {
  @ApiProperty({ nullable: true, type: Number, description: 'Chatwoot agent (assignee) id; null = unassigned' })
  agentId: number | null;

  @ApiProperty()
  conversations: number;

  @ApiProperty()
  convertedConversations: number;

  @ApiProperty({ nullable: true, type: Number })
  conversationToOrderRate: number | null;

  @ApiProperty({ description: "Attributed orders placed in the period, credited to this agent's conversations" })
  attributedOrders: number;

  @ApiProperty({ type: [MoneyDto] })
  attributedRevenue: MoneyDto[];
}

export class ConversionReportDto {
  @ApiProperty()
  storeId: string;

  @ApiProperty({ example: '2025-03-01' })
  from: string;

  @ApiProperty({ example: '2025-03-31' })
  to: string;

  @ApiProperty({ example: 'Europe/Amsterdam', description: 'Days are cut in this timezone' })
  timezone: string;

  @ApiProperty({ type: ConversionFiguresDto })
  totals: ConversionFiguresDto;

  @ApiProperty({ type: [ConversionDayDto], description: 'Every day of the period, oldest first (zeros included)' })
  days: ConversionDayDto[];

  @ApiProperty({ type: [ConversionAgentDto], description: 'Per assignee, most conversations first' })
  agents: ConversionAgentDto[];
}
