import { Injectable, Logger } from '@nestjs/common';
import { StoreDirectory, type StoreView } from '../accounts/store-directory.service';
import type { ChatwootAccountClient } from '../chatwoot/chatwoot-account.client';
import { SERVICE_LABELS } from '../accounts/service-labels';
import type { CwPriority } from '../chatwoot/chatwoot.types';
import { JobQueue } from '../jobs/job-queue.service';
import { NotificationService } from '../notifications/notification.service';
import type { ConversationEffect } from './conversation-effects.planner';
import { matchAssignmentRule, mergeLabels, resolveTeamId } from './conversation-routing';
import { ConversationRepository, type ConversationRecord as Conversation } from './conversation.repository';
import { CustomerDirectoryService } from '../contacts/customer-directory.service';

export const CONVERSATION_EFFECTS_QUEUE = 'webhooks.effects';
export const LOW_CSAT_LABEL = SERVICE_LABELS.lowCsat.title;
export type { ConversationEffect };

/**
 * What a conversation change causes outside our tables: contact sync, auto-assignment in
 * Chatwoot, manager alerts and follow-ups. Each runs as a retried job and is idempotent
 * (routed_at guard, notification dedupe keys, labels read-then-add).
 */
@Injectable()
export class ConversationEffectsService {
  private readonly logger = new Logger(ConversationEffectsService.name);

  constructor(
    private readonly conversations: ConversationRepository,
    private readonly stores: StoreDirectory,
    private readonly customers: CustomerDirectoryService,
    private readonly notifications: NotificationService,
    jobs: JobQueue,
  ) {
    jobs.register(CONVERSATION_EFFECTS_QUEUE, (effect) => this.run(effect), {
      retryLimit: 6,
      retryDelay: 2,
      concurrency: 2,
    });
  }

  /** One store lookup per effect: the view (settings resolved) and the Chatwoot client together. */
  async run(effect: ConversationEffect): Promise<void> {
    const conversation = await this.conversations.forStore(effect.storeId).get(effect.displayId);
    if (!conversation) return;
    const found = await this.stores.withChatwoot(effect.storeId, 'realtime');
    if (!found) return;
    const { store, api } = found;
    if (effect.kind === 'opened') await this.opened(conversation, store, api);
    else if (effect.kind === 'resolved') await this.resolved(conversation, store, effect.resolvedAt);
    else await this.lowCsat(conversation, store, api, effect.rating);
  }

  private async opened(c: Conversation, store: StoreView, api: ChatwootAccountClient | null): Promise<void> {
    // One sync request: noteConversation queues it when the customer is known (an unknown one has nothing to sync).
    if (c.customerId) await this.customers.noteConversation(c.storeId, c.customerId);
    if (c.routedAt) return;
    // The tier the conversation was stored with when it was applied (computed once, there).
    const tier = c.customerTier;
    const rule = matchAssignmentRule(store.settings.autoAssignment, tier);
    if (rule && api) {
      const teamId = resolveTeamId(rule.team, store.chatwoot.teams);
      if (teamId !== undefined && c.teamId !== teamId) await api.assignTeam(c.displayId, teamId);
      if (rule.agentId !== undefined && c.assigneeId !== rule.agentId) await api.assignAgent(c.displayId, rule.agentId);
      if (rule.priority && c.priority !== rule.priority) await api.togglePriority(c.displayId, rule.priority as CwPriority);
      const labels = mergeLabels(await api.getConversationLabels(c.displayId), rule.labels);
      if (labels) await api.setConversationLabels(c.displayId, labels);
      if (!(await this.conversations.forStore(c.storeId).markRouted(c.displayId))) return;
      await api.privateNote(
        c.displayId,
        `VIP customer (${tier} tier)${c.customerId ? `, customer ${c.customerId}` : ''}: routed${teamId ? ' to the VIP team' : ''}` +
          `${rule.priority ? ` with ${rule.priority} priority` : ''}.`,
      );
      if (rule.notifyManagers !== false) {
        await this.notifications.notify(
          c.storeId,
          'manager.vip_conversation',
          { conversationId: c.displayId, customerId: c.customerId, contactId: c.contactId, tier, teamId: teamId ?? null },
          { dedupeKey: `manager.vip_conversation:${c.displayId}` },
        );
      }
      this.logger.log({ storeId: c.storeId, displayId: c.displayId, tier }, 'VIP conversation routed');
      return;
    }
    await this.conversations.forStore(c.storeId).markRouted(c.displayId);
  }

  private async resolved(c: Conversation, store: StoreView, resolvedAt: string): Promise<void> {
    const followUps = store.settings.followUps;
    if (!followUps.cartReminder || !c.customerId) return;
    if (!(await this.customers.hasNonEmptyCart(c.storeId, c.customerId))) return;
    await this.notifications.notify(
      c.storeId,
      'follow_up.cart_reminder',
      { conversationId: c.displayId, customerId: c.customerId, contactId: c.contactId, resolvedAt },
      { dedupeKey: `follow_up.cart_reminder:${c.displayId}:${resolvedAt}`, delayMs: followUps.cartReminderDelayMinutes * 60_000 },
    );
  }

  private async lowCsat(c: Conversation, store: StoreView, api: ChatwootAccountClient | null, rating: number): Promise<void> {
    const settings = store.settings;
    const data = {
      conversationId: c.displayId,
      customerId: c.customerId,
      contactId: c.contactId,
      rating,
      feedback: c.csatFeedback,
    };
    const first = await this.notifications.notify(
      c.storeId,
      'manager.low_csat',
      { ...data, assigneeId: c.assigneeId },
      {
        dedupeKey: `manager.low_csat:${c.displayId}`,
      },
    );
    await this.notifications.notify(c.storeId, 'follow_up.low_csat', data, {
      dedupeKey: `follow_up.low_csat:${c.displayId}`,
      delayMs: settings.followUps.lowCsatDelayMinutes * 60_000,
    });
    if (!api) return;
    // Escalation is visible to agents too: a label to filter on and a note explaining it.
    const labels = mergeLabels(await api.getConversationLabels(c.displayId), [LOW_CSAT_LABEL]);
    if (labels) await api.setConversationLabels(c.displayId, labels);
    if (first.created) {
      await api.privateNote(
        c.displayId,
        `Low CSAT: the customer rated this conversation ${rating}/5${c.csatFeedback ? ` ("${c.csatFeedback}")` : ''}. Managers were notified.`,
      );
    }
  }
}
