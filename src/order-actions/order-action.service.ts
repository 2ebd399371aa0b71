import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { StoreDirectory, type StoreView } from '../accounts/store-directory.service';
import type { OrderActionType } from '../accounts/store-settings';
import { ConflictError, DomainError, ForbiddenError, NotFoundError, UnprocessableError } from '../common/errors/domain-error';
import { AppConfig } from '../config/app-config';
import { CustomerDataService } from '../contacts/customer-data.service';
import { actingAgent, type AgentPrincipal } from '../context/auth/agent-principal';
import { assertConversationOfContact } from '../context/auth/conversation-of-contact';
import { JobQueue } from '../jobs/job-queue.service';
import { MetricsService } from '../observability/metrics.service';
import type { ActionPolicyDto, CreateOrderActionDto, OrderActionDto } from './dto/order-action.dto';
import type { OrderActionStatus } from './entities/order-action.entity';
import { OrderActionRepository, type OrderActionRow } from './order-action.repository';
import { formatMinor, planAction, requestHash } from './order-action.rules';
import { PlatformActionClient, type PlatformAnswer } from './platform-action.client';

export const RETRY_QUEUE = 'order-actions.retry';
/** Requests to the platform in total (the first inline, the rest by the job); then the action is `failed`. */
export const MAX_ATTEMPTS = 6;
/** Seconds before the first resend; doubled each time. */
const RETRY_DELAY_SECONDS = 2;
export const ACTIONS_IN_CONTEXT = 20;

interface RetryJob {
  storeId: string;
  id: string;
}

export interface OrderActionOutcome {
  /** 200 a replay of the same key, 201 answered by the platform, 202 still pending. */
  httpStatus: 200 | 201 | 202;
  action: OrderActionDto;
}

const LABEL: Record<OrderActionType, string> = {
  cancel: 'Cancellation',
  refund: 'Refund',
  resend_confirmation: 'Resending the confirmation',
};

/**
 * Order actions agents request from the panel: checked against the store's guardrails, recorded
 * before anything is sent (unique per idempotency key), sent signed to the store's actionUrl,
 * answered with the platform's verdict or left pending and resent by a job with the same key,
 * and noted privately in the conversation.
 */
@Injectable()
export class OrderActionService {
  private readonly logger = new Logger(OrderActionService.name);
  private readonly outcomes;
  private readonly refused;

  constructor(
    private readonly actions: OrderActionRepository,
    private readonly db: DataSource,
    private readonly stores: StoreDirectory,
    private readonly customers: CustomerDataService,
    private readonly platform: PlatformActionClient,
    private readonly jobs: JobQueue,
    private readonly config: AppConfig,
    metrics: MetricsService,
  ) {
    this.outcomes = metrics.counter('order_actions_total', 'Order actions by type and the status they reached', [
      'type',
      'status',
    ]);
    this.refused = metrics.counter('order_actions_refused_total', 'Order action requests refused before sending, by code', [
      'type',
      'code',
    ]);
    jobs.register(RETRY_QUEUE, (data) => this.retry(data.storeId, data.id), {
      retryLimit: MAX_ATTEMPTS,
      retryDelay: RETRY_DELAY_SECONDS,
      retryBackoff: true,
      concurrency: 2,
    });
    jobs.on('store.deleted', 'order-actions.store-deleted', async ({ storeId }) => {
      await this.actions.forStore(storeId).deleteAll();
    });
    jobs.on('customer.erased', 'order-actions.customer-erased', async ({ storeId, customerId }) => {
      await this.actions.forStore(storeId).forgetCustomer(customerId);
    });
  }

  async request(
    principal: AgentPrincipal,
    contactId: number,
    orderId: string,
    input: CreateOrderActionDto,
  ): Promise<OrderActionOutcome> {
    const store = principal.store;
    const repo = this.actions.forStore(store.id);
    const hash = requestHash(orderId, contactId, input);
    const replay = await repo.byKey(input.idempotencyKey);
    if (replay) return this.replayed(replay, hash);

    const customer = await this.customers.findCustomerByContactId(store.id, contactId);
    const order = customer ? await this.customers.getOrder(store.id, orderId) : null;
    if (!customer || !order || order.customerId !== customer.customerId) {
      return this.refuse(input.type, new NotFoundError(`Order ${orderId} of contact ${contactId}`, 'ORDER_NOT_FOUND'));
    }
    // Guardrails are read fresh, not from the principal's briefly cached store: a lowered ceiling applies at once.
    const [current, target] = await Promise.all([this.stores.get(store.id), this.stores.actionTarget(store.id)]);
    const policy = current.settings.orderActions;
    if (!target)
      return this.refuse(
        input.type,
        new ForbiddenError('Order actions are not configured for this store (no actionUrl)', 'ORDER_ACTION_NOT_ALLOWED'),
      );
    if (!policy.allowed.includes(input.type)) {
      return this.refuse(
        input.type,
        new ForbiddenError(
          `This store does not allow ${input.type} from the panel (allowed: ${policy.allowed.join(', ') || 'none'})`,
          'ORDER_ACTION_NOT_ALLOWED',
        ),
      );
    }
    if (input.conversationId)
      await assertConversationOfContact(await this.stores.chatwootFor(store.id), input.conversationId, contactId);

    const { id: agentId, name: agentName } = actingAgent(principal, input);
    const format = (minor: number) => formatMinor(minor, order.currency, store.locale);
    const lines = input.lines?.map((l) => ({ productId: l.productId, quantity: l.quantity }));
    const recorded = await this.db.transaction(async (tx) => {
      const scoped = this.actions.forStore(store.id, tx);
      if (input.type === 'refund') await scoped.lockRefunds();
      const history =
        input.type === 'refund'
          ? {
              refundedOnOrder: await scoped.refundedOnOrder(orderId),
              refundedByAgentToday: await scoped.refundedByAgentToday(agentId),
            }
          : { refundedOnOrder: 0, refundedByAgentToday: 0 };
      const plan = planAction({ type: input.type, amount: input.amount, lines }, order, policy, history, format);
      if (!plan.ok) return plan;
      return scoped.insert({
        idempotencyKey: input.idempotencyKey,
        requestHash: hash,
        orderId,
        customerId: customer.customerId,
        contactId,
        conversationId: input.conversationId ?? null,
        type: input.type,
        amount: plan.amount,
        currency: plan.currency,
        lines: plan.lines,
        reason: input.reason ?? null,
        agentId,
        agentName,
        issuedVia: principal.via,
      });
    });
    if (recorded && 'ok' in recorded) {
      const error =
        recorded.statusCode === 422
          ? new UnprocessableError(recorded.message, recorded.code)
          : new DomainError(400, recorded.code, recorded.message);
      return this.refuse(input.type, error);
    }
    if (!recorded) {
      // The same key won a race a moment ago: answer with that action.
      const winner = await repo.byKey(input.idempotencyKey);
      if (!winner) throw new Error(`order action with key ${input.idempotencyKey} vanished`);
      return this.replayed(winner, hash);
    }
    this.logger.log({ storeId: store.id, actionId: recorded.id, type: recorded.type, orderId, agentId }, 'order action recorded');
    // The resend is enqueued before the first attempt, to run after it: should this process die
    // mid-request, the action is still resent; when the first attempt settles it, the job does nothing.
    const timeoutMs = policy.timeoutMs ?? this.config.ORDER_ACTION_TIMEOUT_MS;
    await this.jobs.send(RETRY_QUEUE, { storeId: store.id, id: recorded.id } satisfies RetryJob, {
      singletonKey: `order-action:${recorded.id}`,
      startAfter: Math.ceil(timeoutMs / 1000) + RETRY_DELAY_SECONDS,
    });
    const settled = await this.attempt(recorded, target, current);
    return { httpStatus: settled.status === 'pending' ? 202 : 201, action: toDto(settled) };
  }

  /** One resend of a pending action; an action already settled is left alone. */
  async retry(storeId: string, id: string): Promise<void> {
    const row = await this.actions.forStore(storeId).byId(id);
    if (!row || row.status !== 'pending') return;
    const target = await this.stores.actionTarget(storeId);
    const store = await this.stores.find(storeId);
    if (!target || !store) {
      await this.settle(row, 'failed', null, 'The store has no actionUrl any more', store);
      return;
    }
    const after = await this.attempt(row, target, store);
    if (after.status === 'pending') throw new Error(`Order action ${id} still unanswered (${after.lastError}); will retry`);
  }

  /** Sends the action and records what came of it; the row stays pending when there is no answer. */
  private async attempt(row: OrderActionRow, target: { url: string; secret: string }, store: StoreView): Promise<OrderActionRow> {
    const settings = store.settings.orderActions;
    const answer: PlatformAnswer = await this.platform.send(
      target,
      {
        id: row.id,
        type: `order.${row.type}`,
        storeId: row.storeId,
        orderId: row.orderId,
        amount: row.amount,
        currency: row.currency,
        lines: row.lines,
        reason: row.reason,
        agent: { id: row.agentId, name: row.agentName },
        requestedAt: row.createdAt.toISOString(),
      },
      settings.timeoutMs ?? this.config.ORDER_ACTION_TIMEOUT_MS,
    );
    if (answer.answered) return (await this.settle(row, answer.status, answer.message, null, store)) ?? row;

    const attempts = row.attempts + 1;
    if (attempts >= MAX_ATTEMPTS) return (await this.settle(row, 'failed', null, answer.error, store)) ?? row;
    await this.actions.forStore(row.storeId).recordAttempt(row.id, answer.error);
    this.logger.warn(
      { storeId: row.storeId, actionId: row.id, attempts, error: answer.error },
      'order action not answered; pending',
    );
    if (row.attempts === 0) {
      this.outcomes.inc({ type: row.type, status: 'pending' });
      await this.note(row, 'pending', null, store);
    }
    return { ...row, attempts, lastError: answer.error };
  }

  private async settle(
    row: OrderActionRow,
    status: Exclude<OrderActionStatus, 'pending'>,
    message: string | null,
    error: string | null,
    store: StoreView | null,
  ): Promise<OrderActionRow | null> {
    const settled = await this.actions.forStore(row.storeId).settle(row.id, status, message, error);
    if (!settled) return null;
    this.outcomes.inc({ type: row.type, status });
    this.logger.log({ storeId: row.storeId, actionId: row.id, type: row.type, status }, 'order action settled');
    if (store) await this.note(settled, status, message, store);
    return settled;
  }

  /** The outcome as a private note; a failed note is logged, never resent blindly (it could double). */
  private async note(row: OrderActionRow, status: OrderActionStatus, message: string | null, store: StoreView): Promise<void> {
    if (!row.conversationId) return;
    try {
      const api = await this.stores.chatwootFor(row.storeId);
      await api.privateNote(row.conversationId, noteText(row, status, message, store));
    } catch (error) {
      this.logger.warn(
        { err: error, storeId: row.storeId, actionId: row.id, conversationId: row.conversationId },
        'order action note not posted',
      );
    }
  }

  private replayed(row: OrderActionRow, hash: string): OrderActionOutcome {
    if (row.requestHash !== hash) {
      throw new ConflictError(
        `idempotencyKey ${row.idempotencyKey} was used for another request (action ${row.id}); make a new key for a new confirmation`,
        'IDEMPOTENCY_KEY_REUSED',
      );
    }
    return { httpStatus: 200, action: toDto(row) };
  }

  private refuse(type: OrderActionType, error: DomainError): never {
    this.refused.inc({ type, code: error.code });
    throw error;
  }
}

function noteText(row: OrderActionRow, status: OrderActionStatus, message: string | null, store: StoreView): string {
  const what =
    row.type === 'refund' && row.amount !== null
      ? `Refund of ${formatMinor(row.amount, row.currency ?? store.currency, store.locale)} for order ${row.orderId}`
      : `${LABEL[row.type]} of order ${row.orderId}`;
  const by = row.agentName ? ` requested by ${row.agentName}` : '';
  const reason = row.reason ? ` Reason: ${row.reason}` : '';
  switch (status) {
    case 'succeeded':
      return `${what}${by}: done by the store.${reason}`;
    case 'rejected':
      return `${what}${by}: refused by the store${message ? `: ${message}` : ''}.${reason}`;
    case 'failed':
      return `${what}${by}: the store never answered, so it was given up after ${MAX_ATTEMPTS} attempts. Check with the store before trying again.`;
    default:
      return `${what}${by}: the store has not answered yet. It is pending and resent with the same key, so it is applied once; a second note follows.${reason}`;
  }
}

/**
 * What the panel shows next to the customer: their recent actions and this agent's guardrails.
 * The context module reads both (AgentAllowanceRepository) in the statement it reads every call.
 */
export function actionPanel(
  store: StoreView,
  actions: readonly OrderActionRow[],
  refundedByAgentToday: number,
): { order_actions: OrderActionDto[]; action_policy: ActionPolicyDto } {
  const policy = store.settings.orderActions;
  return {
    order_actions: actions.map(toDto),
    action_policy: {
      enabled: Boolean(store.actionUrl),
      allowed: [...policy.allowed],
      refund_max_per_action: policy.refundMaxPerAction,
      refund_max_per_agent_per_day: policy.refundMaxPerAgentPerDay,
      refunded_by_agent_today: refundedByAgentToday,
    },
  };
}

export function toDto(row: OrderActionRow): OrderActionDto {
  return {
    id: row.id,
    order_id: row.orderId,
    type: row.type,
    status: row.status,
    amount: row.amount,
    currency: row.currency,
    lines: row.lines.map((l) => ({ product_id: l.productId, quantity: l.quantity })),
    reason: row.reason,
    platform_message: row.platformMessage,
    agent: { id: row.agentId, name: row.agentName },
    conversation_id: row.conversationId,
    created_at: new Date(row.createdAt).toISOString(),
    updated_at: new Date(row.updatedAt).toISOString(),
  };
}
