import { Controller, Get, Param, ParseIntPipe, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PlatformAuth } from '../common/auth/platform-auth.decorator';
import { InvalidRequestError } from '../common/errors/domain-error';
import { ErrorResponseDto } from '../common/errors/error-response.dto';
import { ConversationsService } from './conversations.service';
import {
  AnalyticsQueryDto,
  ConversationAnalyticsDto,
  ConversationDto,
  ConversationPageDto,
  ListConversationsQueryDto,
} from './dto/conversation.dto';

const DAY_MS = 86_400_000;

@ApiTags('conversations')
@PlatformAuth()
@Controller('v1/stores/:storeId')
export class ConversationsController {
  constructor(private readonly conversations: ConversationsService) {}

  @Get('conversations')
  @ApiOperation({ summary: 'Conversations with their service metrics, newest first' })
  @ApiOkResponse({ type: ConversationPageDto })
  async list(@Param('storeId') storeId: string, @Query() query: ListConversationsQueryDto): Promise<ConversationPageDto> {
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? 50;
    const { items, total } = await this.conversations.list(storeId, {
      status: query.status,
      customerId: query.customerId,
      page,
      pageSize,
    });
    return { items, total, page, pageSize };
  }

  @Get('conversations/:displayId')
  @ApiOperation({ summary: 'One conversation by its Chatwoot display id' })
  @ApiOkResponse({ type: ConversationDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  get(@Param('storeId') storeId: string, @Param('displayId', ParseIntPipe) displayId: number): Promise<ConversationDto> {
    return this.conversations.get(storeId, displayId);
  }

  @Get('analytics/conversations')
  @ApiOperation({ summary: 'Volumes, first response and resolution times (median, p90), CSAT and a per-agent breakdown' })
  @ApiOkResponse({ type: ConversationAnalyticsDto })
  analytics(@Param('storeId') storeId: string, @Query() query: AnalyticsQueryDto): Promise<ConversationAnalyticsDto> {
    const to = query.to ? new Date(query.to) : new Date();
    const from = query.from ? new Date(query.from) : new Date(to.getTime() - 30 * DAY_MS);
    if (from >= to) throw new InvalidRequestError('from must be before to', 'INVALID_RANGE');
    return this.conversations.analytics(storeId, from, to);
  }
}
