import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PlatformAuth } from '../common/auth/platform-auth.decorator';
import { ErrorResponseDto } from '../common/errors/error-response.dto';
import { ListNotificationsQueryDto, NotificationDto, NotificationPageDto } from './dto/notification.dto';
import { NotificationService } from './notification.service';

@ApiTags('notifications')
@PlatformAuth()
@Controller('v1/stores/:storeId/notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationService) {}

  @Get()
  @ApiOperation({ summary: "Notifications sent (or to be sent) to the store's notificationUrl, newest first" })
  @ApiOkResponse({ type: NotificationPageDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  async list(@Param('storeId') storeId: string, @Query() query: ListNotificationsQueryDto): Promise<NotificationPageDto> {
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? 50;
    const { items, total } = await this.notifications.list(storeId, { state: query.state, type: query.type, page, pageSize });
    return { items: items.map((row) => NotificationDto.from(row)), total, page, pageSize };
  }
}
