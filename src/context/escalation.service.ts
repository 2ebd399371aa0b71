import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SERVICE_LABELS } from '../accounts/service-labels';
import { StoreDirectory } from '../accounts/store-directory.service';
import { ChatwootApiError } from '../chatwoot/chatwoot-api.error';
import type { ChatwootAccountClient } from '../chatwoot/chatwoot-account.client';
import { ConflictError, NotFoundError } from '../common/errors/domain-error';
import { MetricsService } from '../observability/metrics.service';
import { actingAgent, type AgentPrincipal } from './auth/agent-principal';
import { ContextCacheService } from './context-cache.service';
import { ContextService } from './context.service';
import type { EscalateDto, EscalationDto } from './dto/escalate.dto';
import type { EscalationEffects } from './entities/escalation.entity';
import { EscalationRepository } from './escalation.repository';
import { NotificationService } from '../notifications/notification.service';

export const ESCALATED_LABEL = SERVICE_LABELS.escalated.title;
/** A second escalation of the same conversation inside this window is refused (409), not repeated. */
export const ESCALATION_WINDOW_MS = 60_000;

/**
 * Hands a conversation to the store's managers: urgent priority, the managers team, the
 * `escalated` label and a private note with the reason in Chatwoot; a local record for the
 * customer's escalation history; and a `manager.escalation` notification to the store.
 */
@Injectable()
export class EscalationService {
  private readonly logger = new Logger(EscalationService.name);
  private readonly outcomes;

  constructor(
    private readonly escalations: EscalationRepository,
    private readonly db: DataSource,
    private readonly stores: StoreDirectory,
    private readonly context: ContextService,
    private readonly cache: ContextCacheService,
    private readonly notifier: NotificationService,
    metrics: MetricsService,
  ) {
    this.outcomes = metrics.counter('escalations_total', 'Conversation escalations by outcome', ['outcome']);
  }

  async escalate(principal: AgentPrincipal, conversationId: number, input: EscalateDto): Promise<EscalationDto> {
    const store = principal.store;
    const api = await this.stores.chatwootFor(store.id);
    const conversation = await this.conversationOf(api, conversationId);
    const contactId = conversation.meta?.sender?.id ?? null;
    const customer = contactId ? await this.context.findCustomer(store.id, contactId) : null;
    const { id: agentId, name: agentName } = actingAgent(principal, input);
    const reason = input.reason.trim();

    const row = await this.db.transaction(async (m) => {
      const escalations = this.escalations.forStore(store.id, m);
      await escalations.lockConversation(conversationId);
      const recent = await escalations.recentNotFailed(conversationId, new Date(Date.now() - ESCALATION_WINDOW_MS));
      if (recent) {
        this.outcomes.inc({ outcome: 'duplicate' });
        throw new ConflictError(
          `Conversation ${conversationId} was escalated less than a minute ago${recent.agentName ? ` by ${recent.agentName}` : ''}`,
          'ALREADY_ESCALATED',
        );
      }
      return escalations.insertPending({
        conversationId,
        contactId,
        customerId: customer?.customerId ?? null,
        reason,
        agentId,
        agentName,
        createdAt: new Date(),
      });
    });

    const effects: EscalationEffects = {};
    try {
      await api.togglePriority(conversationId, 'urgent');
      effects.priority = 'urgent';
      const managers = store.chatwoot.teams.managers ?? null;
      if (managers) await api.assignTeam(conversationId, managers);
      effects.teamId = managers;
      const labels = await api.getConversationLabels(conversationId);
      effects.labels = labels.includes(ESCALATED_LABEL) ? labels : [...labels, ESCALATED_LABEL];
      if (!labels.includes(ESCALATED_LABEL)) await api.setConversationLabels(conversationId, effects.labels);
      const note = await api.privateNote(
        conversationId,
        `Escalated to the managers${agentName ? ` by ${agentName}` : ''}. Reason: ${reason}`,
      );
      effects.noteId = note.id;
    } catch (error) {
      // Failed escalations do not block a retry inside the window.
      await this.escalations
        .forStore(store.id)
        .markFailed(row.id, effects, error instanceof Error ? error.message : String(error), new Date());
      this.outcomes.inc({ outcome: 'failed' });
      throw error;
    }

    const notification = await this.notifier.notify(
      store.id,
      'manager.escalation',
      {
        escalationId: row.id,
        accountId: principal.accountId,
        conversationId,
        contactId,
        customerId: row.customerId,
        reason,
        agentId,
        agentName,
      },
      { dedupeKey: `escalation:${row.id}` },
    );
    effects.notificationId = notification.id;
    await this.escalations.forStore(store.id).markDone(row.id, effects, new Date());
    this.outcomes.inc({ outcome: 'done' });
    if (contactId) await this.cache.invalidateContact(store.id, contactId);
    await this.cache.invalidateCustomer(store.id, row.customerId);
    this.logger.log({ storeId: store.id, conversationId }, 'conversation escalated');
    return {
      id: row.id,
      conversation_id: conversationId,
      state: 'done',
      priority: 'urgent',
      team_id: effects.teamId ?? null,
      labels: effects.labels ?? [],
      note_id: effects.noteId ?? null,
      notification_id: notification.id,
      created_at: row.createdAt.toISOString(),
    };
  }

  private async conversationOf(api: ChatwootAccountClient, conversationId: number) {
    try {
      return await api.getConversation(conversationId);
    } catch (error) {
      if (error instanceof ChatwootApiError && error.isNotFound)
        throw new NotFoundError(`Conversation ${conversationId}`, 'CONVERSATION_NOT_FOUND');
      throw error;
    }
  }
}
