import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { StoreDirectory } from '../accounts/store-directory.service';
import type { ChatwootAccountClient } from '../chatwoot/chatwoot-account.client';
import { UnprocessableError } from '../common/errors/domain-error';
import { JobQueue } from '../jobs/job-queue.service';
import { MetricsService } from '../observability/metrics.service';
import { actingAgent, type AgentPrincipal } from './auth/agent-principal';
import { assertConversationOfContact } from './auth/conversation-of-contact';
import { ContextService } from './context.service';
import type { CreateDiscountCodeDto, DiscountCodeDto, DiscountCodeStatusDto } from './dto/create-discount-code.dto';
import { DiscountCodeRepository } from './discount-code.repository';
import { DiscountUsageRepository } from './discount-usage.repository';
import type { DiscountCode } from './entities/discount-code.entity';
import { NotificationService } from '../notifications/notification.service';
import {
  type CapViolation,
  checkDiscountCaps,
  discountCodeStatus,
  generateDiscountCode,
  normaliseCode,
  storePrefix,
} from './rules/discount-code.rules';

export const DEFAULT_CODE_VALIDITY_DAYS = 30;
const DAY_MS = 86_400_000;

/**
 * Discount codes agents give customers: capped per store and agent, recorded, posted into the
 * conversation as a private note, sent to the shop (signed notification) so checkout can honour
 * it, and marked redeemed when an order carrying it arrives.
 */
@Injectable()
export class DiscountCodeService {
  private readonly logger = new Logger(DiscountCodeService.name);
  private readonly created;
  private readonly refused;

  constructor(
    private readonly codes: DiscountCodeRepository,
    private readonly usage: DiscountUsageRepository,
    private readonly db: DataSource,
    private readonly stores: StoreDirectory,
    private readonly context: ContextService,
    private readonly notifier: NotificationService,
    jobs: JobQueue,
    metrics: MetricsService,
  ) {
    this.created = metrics.counter('discount_codes_created_total', 'Discount codes issued by agents, by type', ['type']);
    this.refused = metrics.counter('discount_codes_refused_total', 'Discount code requests refused, by reason', ['reason']);
    jobs.on(
      'order.changed',
      'context.redeem-discount',
      (e) => this.onOrder(e.storeId, e.orderId, e.status, e.discountCode ?? null),
      {
        retryLimit: 5,
        concurrency: 2,
      },
    );
  }

  async create(principal: AgentPrincipal, contactId: number, input: CreateDiscountCodeDto): Promise<DiscountCodeDto> {
    const store = principal.store;
    const caps = store.settings.discounts;
    const early = checkDiscountCaps(input, caps, 0);
    if (early) return this.refuse(early.code, early.message);
    const now = new Date();
    const expiresAt = input.expiresAt ? new Date(input.expiresAt) : new Date(now.getTime() + DEFAULT_CODE_VALIDITY_DAYS * DAY_MS);
    if (expiresAt.getTime() <= now.getTime()) return this.refuse('DISCOUNT_EXPIRY_IN_PAST', 'expiresAt must be in the future');

    const customer = await this.context.findCustomer(store.id, contactId);
    if (!customer) await this.context.assertContactInAccount(principal, contactId);
    let api: ChatwootAccountClient | undefined;
    if (input.conversationId) {
      api = await this.stores.chatwootFor(store.id);
      await assertConversationOfContact(api, input.conversationId, contactId);
    }

    const { id: agentId, name: agentName } = actingAgent(principal, input);
    const issued = await this.db.transaction(async (m): Promise<{ refused: CapViolation } | { row: DiscountCode }> => {
      const codes = this.codes.forStore(store.id, m);
      // Serialises this agent's issuing in this store, so parallel requests cannot overshoot the daily cap.
      await codes.lockIssuing(String(agentId ?? 'shared'));
      const count = await this.usage.forStore(store.id, m).issuedByAgentToday(agentId);
      const capped = checkDiscountCaps(input, caps, count);
      if (capped) return { refused: capped };
      for (let attempt = 0; ; attempt++) {
        // A code taken by any store draws another, up to five tries; the fifth throws the unique violation.
        const row = await codes.insert(
          {
            code: generateDiscountCode(storePrefix(store.name, store.id)),
            type: input.type,
            value: input.value,
            currency: store.currency,
            customerId: customer?.customerId ?? null,
            contactId,
            agentId,
            agentName,
            issuedVia: principal.via,
            conversationId: input.conversationId ?? null,
            expiresAt,
            createdAt: now,
          },
          attempt < 4,
        );
        if (row) return { row };
      }
    });
    if ('refused' in issued) return this.refuse(issued.refused.code, issued.refused.message);
    const row = issued.row;
    this.created.inc({ type: row.type });

    const privateNote = api ? await this.postNote(api, row, store.locale) : 'skipped';
    const notification = await this.notifier.notify(
      store.id,
      'discount_code.created',
      {
        code: row.code,
        type: row.type,
        value: row.value,
        currency: row.currency,
        customerId: row.customerId,
        contactId: row.contactId,
        conversationId: row.conversationId,
        expiresAt: row.expiresAt?.toISOString() ?? null,
        agentId: row.agentId,
        agentName: row.agentName,
        issuedVia: row.issuedVia,
      },
      { dedupeKey: `discount-code:${row.code}` },
    );
    return {
      code: row.code,
      type: row.type,
      value: row.value,
      currency: row.currency,
      customer_id: row.customerId,
      contact_id: contactId,
      conversation_id: row.conversationId,
      agent_id: row.agentId,
      issued_via: row.issuedVia,
      expires_at: row.expiresAt?.toISOString() ?? null,
      created_at: row.createdAt.toISOString(),
      private_note: privateNote,
      notification_id: notification.id,
    };
  }

  /** Checkout asks whether a code can be honoured. Unknown codes answer `status: unknown`, not 404. */
  async status(storeId: string, rawCode: string, now = new Date()): Promise<DiscountCodeStatusDto> {
    await this.stores.get(storeId);
    const code = normaliseCode(rawCode);
    const row = await this.codes.forStore(storeId).byCode(code);
    const status = discountCodeStatus(row, now);
    if (!row) return { code, status };
    return {
      code,
      status,
      type: row.type,
      value: row.value,
      currency: row.currency,
      customer_id: row.customerId,
      expires_at: row.expiresAt?.toISOString() ?? null,
      redeemed_at: row.redeemedAt?.toISOString() ?? null,
      redeemed_order_id: row.redeemedOrderId,
    };
  }

  /** An order carrying the code redeems it; the same order cancelled or refunded gives it back. */
  async onOrder(storeId: string, orderId: string, status: string, discountCode: string | null): Promise<void> {
    if (status === 'cancelled' || status === 'refunded') {
      await this.codes.forStore(storeId).releaseOrder(orderId);
      return;
    }
    if (!discountCode) return;
    await this.codes.forStore(storeId).redeem(normaliseCode(discountCode), orderId);
  }

  private async postNote(api: ChatwootAccountClient, row: DiscountCode, locale: string): Promise<'posted' | 'failed'> {
    const amount = row.type === 'percent' ? `${row.value}% off` : `${formatMoney(row.value, row.currency, locale)} off`;
    const until = row.expiresAt ? `, valid until ${row.expiresAt.toISOString().slice(0, 10)}` : '';
    const by = row.agentName ? ` by ${row.agentName}` : '';
    try {
      await api.privateNote(
        row.conversationId!,
        `Discount code ${row.code}: ${amount}${until} (issued${by} from the context panel).`,
      );
      return 'posted';
    } catch (error) {
      // The code exists and the shop is told either way; the note is a convenience.
      this.logger.warn({ err: error, storeId: row.storeId, conversationId: row.conversationId }, 'discount note not posted');
      return 'failed';
    }
  }

  private refuse(code: string, message: string): never {
    this.refused.inc({ reason: code });
    throw new UnprocessableError(message, code);
  }
}

export function formatMoney(minor: number, currency: string, locale: string): string {
  try {
    const digits = new Intl.NumberFormat(locale, { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(minor / 10 ** digits);
  } catch {
    return `${minor} ${currency}`;
  }
}
