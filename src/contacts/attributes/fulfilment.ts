import type { ShipmentStatus } from '../entities/order-shipment.entity';
import type { OrderStatus } from './order-stats';

export interface ShipmentProgress {
  status: ShipmentStatus;
  trackingUrl: string | null;
  shippedAt: Date | null;
}

/** Values of the `last_order_status` attribute: the order statuses plus `returned`. */
export const LAST_ORDER_STATUSES = ['pending', 'paid', 'shipped', 'delivered', 'cancelled', 'refunded', 'returned'] as const;
export type LastOrderStatus = (typeof LAST_ORDER_STATUSES)[number];

const PROGRESS: Record<string, number> = { pending: 0, paid: 1, shipped: 2, delivered: 3 };

/**
 * The fulfilment state of an order from its own status and its shipments. Cancelled and refunded
 * orders stay so. Otherwise shipments can only move the order forward: all (not failed) delivered
 * → `delivered`; any on its way or delivered → `shipped`; all returned → `returned`. Failed
 * shipments are ignored, and a status the platform already moved further is kept.
 */
export function fulfilmentStatus(orderStatus: OrderStatus, shipments: readonly ShipmentProgress[]): LastOrderStatus {
  if (orderStatus === 'cancelled' || orderStatus === 'refunded') return orderStatus;
  const live = shipments.filter((s) => s.status !== 'failed');
  if (live.length === 0) return orderStatus;
  if (live.every((s) => s.status === 'returned')) return 'returned';
  const moving = live.filter((s) => s.status !== 'returned');
  const fromShipments = moving.every((s) => s.status === 'delivered')
    ? 'delivered'
    : moving.some((s) => s.status !== 'pending')
      ? 'shipped'
      : orderStatus;
  return PROGRESS[fromShipments] > PROGRESS[orderStatus] ? fromShipments : orderStatus;
}

/** The tracking link of the shipment sent last (latest `shippedAt`, else the last listed with a link). */
export function latestTrackingUrl(shipments: readonly ShipmentProgress[]): string | null {
  const withUrl = shipments.filter((s) => s.trackingUrl);
  if (withUrl.length === 0) return null;
  const shipped = withUrl.filter((s) => s.shippedAt);
  if (shipped.length > 0) {
    return shipped.reduce((a, b) => (b.shippedAt!.getTime() >= a.shippedAt!.getTime() ? b : a)).trackingUrl;
  }
  return withUrl[withUrl.length - 1].trackingUrl;
}
