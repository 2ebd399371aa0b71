import { Body, Controller, Param, ParseIntPipe, Post, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ErrorResponseDto } from '../common/errors/error-response.dto';
import { AgentAuth } from '../context/auth/agent-auth.decorator';
import { Principal, type AgentPrincipal } from '../context/auth/agent-principal';
import { CreateOrderActionDto, OrderActionResponseDto } from './dto/order-action.dto';
import { OrderActionService } from './order-action.service';

/** Order actions from the agent panel, under the context routes and their agent authentication. */
@ApiTags('context')
@ApiParam({ name: 'accountId', description: 'Chatwoot account id of the store', type: Number })
@AgentAuth()
@Controller('v1/context/accounts/:accountId')
export class OrderActionsController {
  constructor(private readonly actions: OrderActionService) {}

  @Post('contacts/:contactId/orders/:orderId/actions')
  @ApiOperation({
    summary: "Cancel, refund or resend the confirmation of the customer's order",
    description:
      "Checked against the store's settings.orderActions (allowed types, refund ceiling per action and per agent over 24 h), " +
      "recorded, then POSTed signed to the store's actionUrl with `Idempotency-Key: <action id>`. The platform's answer " +
      'comes back as `succeeded` or `rejected` (201); without one in time the action is `pending` (202) and resent by a job ' +
      'with the same key. The outcome is posted as a private note in `conversationId`.',
  })
  @ApiParam({ name: 'contactId', type: Number })
  @ApiParam({ name: 'orderId', type: String })
  @ApiCreatedResponse({ type: OrderActionResponseDto, description: 'The platform answered: status succeeded or rejected' })
  @ApiAcceptedResponse({
    type: OrderActionResponseDto,
    description: 'No answer in time: status pending, resent with the same key',
  })
  @ApiOkResponse({ type: OrderActionResponseDto, description: 'The same idempotencyKey again: the action it made' })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  @ApiForbiddenResponse({
    type: ErrorResponseDto,
    description:
      'ACCOUNT_MISMATCH (the credentials belong to another Chatwoot account), ORDER_ACTION_NOT_ALLOWED (the type is not in settings.orderActions.allowed, or the store has no actionUrl)',
  })
  @ApiNotFoundResponse({
    type: ErrorResponseDto,
    description: 'ORDER_NOT_FOUND (also for another store’s order), CONVERSATION_NOT_FOUND',
  })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'IDEMPOTENCY_KEY_REUSED: the key was used with another body' })
  @ApiUnprocessableEntityResponse({
    type: ErrorResponseDto,
    description:
      'REFUND_OVER_CEILING, REFUND_OVER_DAILY_LIMIT, ORDER_NOT_REFUNDABLE, ORDER_NOT_CANCELLABLE, CONVERSATION_CONTACT_MISMATCH',
  })
  async create(
    @Principal() principal: AgentPrincipal,
    @Param('contactId', ParseIntPipe) contactId: number,
    @Param('orderId') orderId: string,
    @Body() body: CreateOrderActionDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<OrderActionResponseDto> {
    const outcome = await this.actions.request(principal, contactId, orderId, body);
    reply.status(outcome.httpStatus);
    return { action: outcome.action };
  }
}
