import { createHash } from 'node:crypto';
import type { OrderActionType, ResolvedStoreSettings } from '../accounts/store-settings';
import type { OrderActionLine } from './entities/order-action.entity';

/** Orders the platform can still cancel, and orders with money to give back. */
export const CANCELLABLE_STATUSES = ['pending', 'paid'];
export const REFUNDABLE_STATUSES = ['paid', 'shipped', 'delivered'];

export type OrderActionPolicy = ResolvedStoreSettings['orderActions'];

export interface ActionRequest {
  type: OrderActionType;
  amount?: number;
  lines?: OrderActionLine[];
}

export interface OrderFacts {
  orderId: string;
  status: string;
  totalAmount: number;
  currency: string;
  items: { productId: string; quantity: number; unitPrice: number }[];
}

export interface RefundHistory {
  /** Refunds of this order that succeeded or may still succeed (pending). */
  refundedOnOrder: number;
  /** The agent's refunds over the last 24 h, pending ones included. */
  refundedByAgentToday: number;
}

export type ActionPlan =
  | { ok: true; amount: number | null; currency: string | null; lines: OrderActionLine[] }
  | { ok: false; statusCode: 400 | 422; code: string; message: string };

/**
 * What the platform is to be asked, or why not: the order's state, the refund's amount (given,
 * from lines at the order's prices, or the whole remaining amount) against the store's ceilings.
 */
export function planAction(
  input: ActionRequest,
  order: OrderFacts,
  policy: OrderActionPolicy,
  history: RefundHistory,
  format: (minor: number) => string,
): ActionPlan {
  if (input.type !== 'refund' && (input.amount !== undefined || input.lines !== undefined)) {
    return refuse(400, 'INVALID_REQUEST', 'amount and lines are for refunds only');
  }
  if (input.type === 'cancel') {
    if (!CANCELLABLE_STATUSES.includes(order.status)) {
      return refuse(
        422,
        'ORDER_NOT_CANCELLABLE',
        `Order ${order.orderId} is ${order.status}; only ${CANCELLABLE_STATUSES.join(' or ')} orders can be cancelled`,
      );
    }
    return { ok: true, amount: null, currency: null, lines: [] };
  }
  if (input.type === 'resend_confirmation') return { ok: true, amount: null, currency: null, lines: [] };

  if (input.amount !== undefined && input.lines !== undefined) {
    return refuse(400, 'INVALID_REQUEST', 'A refund gives either amount or lines, not both');
  }
  if (!REFUNDABLE_STATUSES.includes(order.status)) {
    return refuse(
      422,
      'ORDER_NOT_REFUNDABLE',
      `Order ${order.orderId} is ${order.status}; only ${REFUNDABLE_STATUSES.join(', ')} orders can be refunded`,
    );
  }
  const remaining = Math.max(0, order.totalAmount - history.refundedOnOrder);
  if (remaining === 0) {
    return refuse(
      422,
      'ORDER_NOT_REFUNDABLE',
      `Order ${order.orderId} has nothing left to refund (${format(order.totalAmount)} refunded)`,
    );
  }
  let amount: number;
  const lines = input.lines ?? [];
  if (input.lines) {
    const lineError = checkLines(input.lines, order);
    if (lineError) return refuse(422, 'ORDER_NOT_REFUNDABLE', lineError);
    amount = input.lines.reduce((sum, line) => sum + line.quantity * unitPrice(order, line.productId), 0);
  } else {
    amount = input.amount ?? remaining;
  }
  if (amount <= 0) return refuse(422, 'ORDER_NOT_REFUNDABLE', `A refund of ${format(amount)} gives nothing back`);
  if (amount > remaining) {
    return refuse(
      422,
      'ORDER_NOT_REFUNDABLE',
      `A refund of ${format(amount)} is more than the ${format(remaining)} of order ${order.orderId} not refunded yet`,
    );
  }
  if (amount > policy.refundMaxPerAction) {
    return refuse(
      422,
      'REFUND_OVER_CEILING',
      `A refund of ${format(amount)} is over this store's ceiling of ${format(policy.refundMaxPerAction)} per action`,
    );
  }
  const after = history.refundedByAgentToday + amount;
  if (after > policy.refundMaxPerAgentPerDay) {
    const left = Math.max(0, policy.refundMaxPerAgentPerDay - history.refundedByAgentToday);
    return refuse(
      422,
      'REFUND_OVER_DAILY_LIMIT',
      `A refund of ${format(amount)} would bring your refunds in the last 24 hours to ${format(after)}, over the daily limit of ` +
        `${format(policy.refundMaxPerAgentPerDay)} per agent (${format(left)} left)`,
    );
  }
  return { ok: true, amount, currency: order.currency, lines };
}

function checkLines(lines: OrderActionLine[], order: OrderFacts): string | null {
  const ordered = new Map<string, number>();
  for (const item of order.items) ordered.set(item.productId, (ordered.get(item.productId) ?? 0) + item.quantity);
  const asked = new Map<string, number>();
  for (const line of lines) asked.set(line.productId, (asked.get(line.productId) ?? 0) + line.quantity);
  for (const [productId, quantity] of asked) {
    const have = ordered.get(productId);
    if (have === undefined) return `Order ${order.orderId} has no line with product ${productId}`;
    if (quantity > have) return `Order ${order.orderId} has ${have} of product ${productId}, not ${quantity}`;
  }
  return null;
}

function unitPrice(order: OrderFacts, productId: string): number {
  return order.items.find((item) => item.productId === productId)?.unitPrice ?? 0;
}

function refuse(statusCode: 400 | 422, code: string, message: string): ActionPlan {
  return { ok: false, statusCode, code, message };
}

/** What makes two requests with one idempotency key "the same request". */
export function requestHash(
  orderId: string,
  contactId: number,
  input: ActionRequest & { reason?: string; conversationId?: number },
): string {
  const canonical = JSON.stringify([
    orderId,
    contactId,
    input.type,
    input.amount ?? null,
    (input.lines ?? []).map((l) => [l.productId, l.quantity]),
    input.reason ?? null,
    input.conversationId ?? null,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

/** Minor units in the store's locale (`€12.50`); the plain number and code if Intl does not know them. */
export function formatMinor(minor: number, currency: string, locale: string): string {
  try {
    const format = new Intl.NumberFormat(locale, { style: 'currency', currency });
    const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
    return format.format(minor / 10 ** digits);
  } catch {
    return `${minor} ${currency}`;
  }
}
