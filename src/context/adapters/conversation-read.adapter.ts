import { Injectable } from '@nestjs/common';
import { ConversationsService } from '../../webhooks/conversations.service';
import { ConversationReadPort, type ConversationSummary, type SatisfactionSummary } from '../ports/conversation-read.port';

/** The port over the webhooks module's record of conversations. */
@Injectable()
export class ConversationReadAdapter extends ConversationReadPort {
  constructor(private readonly conversations: ConversationsService) {
    super();
  }

  async listForCustomer(storeId: string, customerId: string, limit: number): Promise<ConversationSummary[]> {
    const rows = await this.conversations.listForCustomer(storeId, customerId, limit);
    return rows.map((c) => ({
      displayId: c.displayId,
      status: c.status,
      priority: c.priority,
      labels: c.labels,
      createdAt: new Date(c.createdAt),
      resolvedAt: c.resolvedAt ? new Date(c.resolvedAt) : null,
      csatRating: c.csatRating,
    }));
  }

  async satisfaction(storeId: string, customerId: string): Promise<SatisfactionSummary | null> {
    const s = await this.conversations.satisfaction(storeId, customerId);
    return s.ratings > 0 && s.average !== null ? { average: s.average, ratedConversations: s.ratings } : null;
  }
}
