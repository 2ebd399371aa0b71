/**
 * Chat-to-sale attribution, as pure functions so the edges are pinned by unit specs.
 *
 * An order counts as converted by chat when a conversation of the same customer (or of a
 * storefront session linked to that customer) was created before it, within the store's
 * attribution window:
 *
 *   conversation.createdAt <= order.placedAt < conversation.createdAt + windowHours
 *
 * The start is inclusive (an order placed in the same instant the conversation opened counts),
 * the end exclusive (an order placed exactly `windowHours` later does not). A customer match
 * beats a session match; among matches of the same kind the latest conversation before the
 * order wins (ties: the higher display id, i.e. the later conversation in Chatwoot).
 */

export interface ConversationFact {
  displayId: number;
  customerId: string | null;
  sessionId: string | null;
  createdAt: Date;
}

export interface OrderFact {
  orderId: string;
  customerId: string;
  status: string;
  placedAt: Date;
  /** Storefront sessions linked to the order's customer. */
  sessionIds: readonly string[];
}

export type AttributionMatchKind = 'customer' | 'session';

export interface AttributionChoice {
  displayId: number;
  match: AttributionMatchKind;
  conversationCreatedAt: Date;
}

/** Statuses that undo a sale; such orders are never attributed and lose their attribution. */
const NOT_ATTRIBUTABLE = new Set(['cancelled', 'canceled', 'refunded', 'voided', 'failed']);

export function isAttributableStatus(status: string): boolean {
  return !NOT_ATTRIBUTABLE.has(status.trim().toLowerCase());
}

const HOUR_MS = 3_600_000;

/** True when the order falls inside the conversation's window (start inclusive, end exclusive). */
export function withinAttributionWindow(conversationCreatedAt: Date, placedAt: Date, windowHours: number): boolean {
  const elapsed = placedAt.getTime() - conversationCreatedAt.getTime();
  return elapsed >= 0 && elapsed < windowHours * HOUR_MS;
}

/** The conversation an order is credited to, or null. */
export function chooseAttribution(
  order: OrderFact,
  conversations: readonly ConversationFact[],
  windowHours: number,
): AttributionChoice | null {
  if (!isAttributableStatus(order.status) || windowHours <= 0) return null;
  const inWindow = conversations.filter((c) => withinAttributionWindow(c.createdAt, order.placedAt, windowHours));
  const sessions = new Set(order.sessionIds);
  const byCustomer = inWindow.filter((c) => c.customerId !== null && c.customerId === order.customerId);
  const bySession = inWindow.filter((c) => c.sessionId !== null && sessions.has(c.sessionId));
  const best = latest(byCustomer) ?? latest(bySession);
  if (!best) return null;
  return {
    displayId: best.displayId,
    match: byCustomer.includes(best) ? 'customer' : 'session',
    conversationCreatedAt: best.createdAt,
  };
}

function latest(conversations: ConversationFact[]): ConversationFact | undefined {
  let best: ConversationFact | undefined;
  for (const c of conversations) {
    const diff = best ? c.createdAt.getTime() - best.createdAt.getTime() : 1;
    if (!best || diff > 0 || (diff === 0 && c.displayId > best.displayId)) best = c;
  }
  return best;
}
