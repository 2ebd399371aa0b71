import type { CategoryTotal, LineItem, MonthlySpend } from '../contacts/customer-data.types';
import type { ShipmentStatus } from '../contacts/entities/order-shipment.entity';

/** The customer linked to a Chatwoot contact (the most recently synced one if a merge left several). */
export interface LinkedCustomer {
  customerId: string;
  name: string;
  email: string;
  registeredAt: Date | null;
}

/** Linked customer plus counted-order figures (cancelled/refunded and other currencies excluded). Minor units. */
export interface CustomerFigures extends LinkedCustomer {
  totalSpent: number;
  orderCount: number;
  firstOrderAt: Date | null;
  lastOrderAt: Date | null;
}

export interface ShipmentRead {
  id: string;
  carrier: string | null;
  trackingNumber: string | null;
  trackingUrl: string | null;
  status: ShipmentStatus;
  shippedAt: Date | null;
  deliveredAt: Date | null;
}

export interface OrderRead {
  orderId: string;
  status: string;
  totalAmount: number;
  currency: string;
  placedAt: Date;
  discountCode: string | null;
  items: LineItem[];
  shipments: ShipmentRead[];
}

export interface CartRead {
  items: LineItem[];
  updatedAt: Date;
}

export interface ConversationRead {
  displayId: number;
  status: string;
  priority: string | null;
  labels: string[];
  createdAt: Date;
  resolvedAt: Date | null;
  csatRating: number | null;
}

export interface SatisfactionRead {
  /** Mean CSAT rating (1–5) over rated conversations, rounded to 2 decimals. */
  average: number;
  ratedConversations: number;
}

export interface EscalationRead {
  id: string;
  conversationId: number;
  reason: string;
  agentName: string | null;
  state: string;
  createdAt: Date;
}

export interface SessionRead {
  currentPage: string | null;
  startedAt: Date;
  lastSeenAt: Date;
  pageViews: number;
  /** Product ids viewed in the session, most recent first. */
  productsViewed: string[];
}

/** Everything the context panel shows about a contact, as one read delivers it. */
export interface ContactContextRead {
  /** null when no customer is linked to the contact. */
  customer: CustomerFigures | null;
  recentOrders: OrderRead[];
  cart: CartRead | null;
  monthlySpend: MonthlySpend[];
  categoryTotals: CategoryTotal[];
  conversations: ConversationRead[];
  satisfaction: SatisfactionRead | null;
  escalations: EscalationRead[];
  session: SessionRead | null;
}

export interface ContextReadLimits {
  timezone: string;
  currency: string;
  recentOrders: number;
  months: number;
  conversations: number;
  escalations: number;
}
