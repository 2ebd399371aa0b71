import { PageQueryDto } from '../../common/http/page-query.dto';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDateString, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';

const STATUSES = ['open', 'resolved', 'pending', 'snoozed'];

export class ListConversationsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: STATUSES })
  @IsOptional()
  @IsIn(STATUSES)
  status?: string;

  @ApiPropertyOptional({ description: 'Platform customer id' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  customerId?: string;
}

export class AnalyticsQueryDto {
  @ApiPropertyOptional({ format: 'date-time', description: 'Start (inclusive); default 30 days before `to`' })
  @IsOptional()
  @IsDateString()
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'End (exclusive); default now' })
  @IsOptional()
  @IsDateString()
  to?: string;
}

export class ConversationDto {
  @ApiProperty({ description: 'Chatwoot display id (per account)' })
  displayId: number;

  @ApiProperty({ type: Number, nullable: true })
  accountId: number | null;

  @ApiProperty({ type: Number, nullable: true })
  contactId: number | null;

  @ApiProperty({ type: String, nullable: true })
  customerId: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'Gold' })
  customerTier: string | null;

  @ApiProperty({ type: Number, nullable: true })
  inboxId: number | null;

  @ApiProperty({ enum: STATUSES })
  status: string;

  @ApiProperty({ type: String, nullable: true, enum: ['low', 'medium', 'high', 'urgent'] })
  priority: string | null;

  @ApiProperty({ type: Number, nullable: true })
  assigneeId: number | null;

  @ApiProperty({ type: Number, nullable: true })
  teamId: number | null;

  @ApiProperty({ type: [String] })
  labels: string[];

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  lastActivityAt: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  firstResponseAt: string | null;

  @ApiProperty({ type: Number, nullable: true, description: 'Seconds from creation to the first public agent reply' })
  firstResponseSeconds: number | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  resolvedAt: string | null;

  @ApiProperty({ type: Number, nullable: true, description: 'Seconds from creation to the latest resolution' })
  resolutionSeconds: number | null;

  @ApiProperty()
  reopenCount: number;

  @ApiProperty()
  incomingCount: number;

  @ApiProperty()
  outgoingCount: number;

  @ApiProperty({ type: Number, nullable: true, minimum: 1, maximum: 5 })
  csatRating: number | null;

  @ApiProperty({ type: String, nullable: true })
  csatFeedback: string | null;
}

export class ConversationPageDto {
  @ApiProperty({ type: [ConversationDto] })
  items: ConversationDto[];

  @ApiProperty()
  total: number;

  @ApiProperty()
  page: number;

  @ApiProperty()
  pageSize: number;
}

export class DurationStatsDto {
  @ApiProperty()
  count: number;

  @ApiProperty({ type: Number, nullable: true })
  median: number | null;

  @ApiProperty({ type: Number, nullable: true })
  p90: number | null;
}

export class CsatStatsDto {
  @ApiProperty()
  responses: number;

  @ApiProperty({ type: Number, nullable: true })
  average: number | null;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' }, example: { '1': 0, '2': 1, '3': 0, '4': 2, '5': 5 } })
  distribution: Record<'1' | '2' | '3' | '4' | '5', number>;
}

export class AgentStatsDto {
  @ApiProperty({ type: Number, nullable: true, description: 'null = unassigned' })
  assigneeId: number | null;

  @ApiProperty()
  conversations: number;

  @ApiProperty()
  resolved: number;

  @ApiProperty({ type: Number, nullable: true })
  medianFirstResponseSeconds: number | null;

  @ApiProperty({ type: Number, nullable: true })
  medianResolutionSeconds: number | null;

  @ApiProperty({ type: Number, nullable: true })
  csatAverage: number | null;
}

export class ConversationAnalyticsDto {
  @ApiProperty({ type: String, format: 'date-time' })
  from: string;

  @ApiProperty({ type: String, format: 'date-time' })
  to: string;

  @ApiProperty({ description: 'Conversations created in the range' })
  created: number;

  @ApiProperty({ description: 'Conversations resolved in the range' })
  resolved: number;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'number' },
    description: 'Current status of those created in the range',
  })
  byStatus: Record<string, number>;

  @ApiProperty({ type: DurationStatsDto })
  firstResponseSeconds: DurationStatsDto;

  @ApiProperty({ type: DurationStatsDto })
  resolutionSeconds: DurationStatsDto;

  @ApiProperty({ type: CsatStatsDto })
  csat: CsatStatsDto;

  @ApiProperty({ type: [AgentStatsDto] })
  agents: AgentStatsDto[];
}
