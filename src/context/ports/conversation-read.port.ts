export interface ConversationSummary {
  displayId: number;
  status: string;
  priority: string | null;
  labels: string[];
  createdAt: Date;
  resolvedAt: Date | null;
  csatRating: number | null;
}

export interface SatisfactionSummary {
  /** Mean CSAT rating (1–5) over rated conversations. */
  average: number;
  ratedConversations: number;
}

/** The webhooks module's record of conversations, as the context panel needs it. */
export abstract class ConversationReadPort {
  /** Newest first. */
  abstract listForCustomer(storeId: string, customerId: string, limit: number): Promise<ConversationSummary[]>;
  abstract satisfaction(storeId: string, customerId: string): Promise<SatisfactionSummary | null>;
}
