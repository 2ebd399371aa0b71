import { Body, Controller, Get, HttpCode, Param, ParseIntPipe, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { ErrorResponseDto } from '../common/errors/error-response.dto';
import { AgentAuth } from './auth/agent-auth.decorator';
import { Principal, type AgentPrincipal } from './auth/agent-principal';
import { ContextService } from './context.service';
import { ContactContextDto, CartDto, InsightsDto, OrdersDto, RecommendationsDto } from './dto/context-response.dto';
import { CreateDiscountCodeDto, DiscountCodeDto } from './dto/create-discount-code.dto';
import { EscalateDto, EscalationDto } from './dto/escalate.dto';
import { ContextQueryDto } from './dto/context-query.dto';
import { OrdersQueryDto } from './dto/orders-query.dto';
import { DiscountCodeService } from './discount-code.service';
import { EscalationService } from './escalation.service';

/** The agent context panel's API: one Chatwoot account (= one store), its contacts and conversations. */
@ApiTags('context')
@ApiParam({ name: 'accountId', description: 'Chatwoot account id of the store', type: Number })
@ApiNotFoundResponse({
  type: ErrorResponseDto,
  description: 'Unknown contact/conversation in this account (CONTACT_NOT_FOUND, CUSTOMER_NOT_LINKED, ...)',
})
@AgentAuth()
@Controller('v1/context/accounts/:accountId')
export class ContextController {
  constructor(
    private readonly context: ContextService,
    private readonly discounts: DiscountCodeService,
    private readonly escalations: EscalationService,
  ) {}

  @Get('contacts/:contactId')
  @ApiOperation({
    summary: 'Everything about the customer behind a Chatwoot contact',
    description:
      'A contact with no linked customer answers 200 with `linked: false`, `customer: null` and a `message`; a contact that is not in this account answers 404 CONTACT_NOT_FOUND.',
  })
  @ApiOkResponse({ type: ContactContextDto })
  contact(
    @Principal() principal: AgentPrincipal,
    @Param('contactId', ParseIntPipe) contactId: number,
    @Query() query: ContextQueryDto,
  ) {
    return this.context.context(principal, contactId, query.agentId);
  }

  @Get('contacts/:contactId/orders')
  @ApiOperation({
    summary: "The customer's orders, newest first",
    description: 'An unlinked contact answers 404 CUSTOMER_NOT_LINKED.',
  })
  @ApiOkResponse({ type: OrdersDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  orders(
    @Principal() principal: AgentPrincipal,
    @Param('contactId', ParseIntPipe) contactId: number,
    @Query() query: OrdersQueryDto,
  ) {
    return this.context.orders(principal, contactId, query.limit ?? 10);
  }

  @Get('contacts/:contactId/cart')
  @ApiOperation({ summary: "The customer's current cart" })
  @ApiOkResponse({ type: CartDto })
  cart(@Principal() principal: AgentPrincipal, @Param('contactId', ParseIntPipe) contactId: number) {
    return this.context.cart(principal, contactId);
  }

  @Get('contacts/:contactId/insights')
  @ApiOperation({ summary: 'Tier progress, spend trend, seasonal patterns and churn risk' })
  @ApiOkResponse({ type: InsightsDto })
  insights(@Principal() principal: AgentPrincipal, @Param('contactId', ParseIntPipe) contactId: number) {
    return this.context.insights(principal, contactId);
  }

  @Get('contacts/:contactId/recommendations')
  @ApiOperation({ summary: 'In-stock products to suggest, each with a reason (bought together / favourite category)' })
  @ApiOkResponse({ type: RecommendationsDto })
  recommendations(@Principal() principal: AgentPrincipal, @Param('contactId', ParseIntPipe) contactId: number) {
    return this.context.recommendations(principal, contactId);
  }

  @Post('contacts/:contactId/discount-codes')
  @ApiOperation({
    summary: 'Give the customer a discount code',
    description:
      'Within the store caps (settings.discounts: maxPercent, maxFixedAmount, maxPerAgentPerDay over 24 h). Posted as a private note in `conversationId` and sent to the store (notification `discount_code.created`).',
  })
  @ApiCreatedResponse({ type: DiscountCodeDto })
  @ApiUnprocessableEntityResponse({
    type: ErrorResponseDto,
    description:
      'DISCOUNT_PERCENT_TOO_HIGH, DISCOUNT_AMOUNT_TOO_HIGH, DISCOUNT_DAILY_LIMIT, DISCOUNT_EXPIRY_IN_PAST, CONVERSATION_CONTACT_MISMATCH',
  })
  createDiscountCode(
    @Principal() principal: AgentPrincipal,
    @Param('contactId', ParseIntPipe) contactId: number,
    @Body() body: CreateDiscountCodeDto,
  ) {
    return this.discounts.create(principal, contactId, body);
  }

  @Post('conversations/:conversationId/escalate')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Escalate a conversation to the managers',
    description:
      'Urgent priority, managers team, label `escalated`, private note with the reason; recorded and the store notified (`manager.escalation`). A second escalation within a minute answers 409 ALREADY_ESCALATED.',
  })
  @ApiParam({ name: 'conversationId', description: 'Chatwoot conversation display id', type: Number })
  @ApiCreatedResponse({ type: EscalationDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'ALREADY_ESCALATED' })
  escalate(
    @Principal() principal: AgentPrincipal,
    @Param('conversationId', ParseIntPipe) conversationId: number,
    @Body() body: EscalateDto,
  ) {
    return this.escalations.escalate(principal, conversationId, body);
  }
}
