import { describe, expect, it } from 'vitest';
import { CONTACT_ATTRIBUTE_DEFINITIONS } from '../../accounts/contact-attribute-definitions';
import { fulfilmentStatus, LAST_ORDER_STATUSES, latestTrackingUrl, type ShipmentProgress } from './fulfilment';

const s = (status: ShipmentProgress['status'], trackingUrl: string | null = null, shippedAt?: string): ShipmentProgress => ({
  status,
  trackingUrl,
  shippedAt: shippedAt ? new Date(shippedAt) : null,
});

describe('fulfilmentStatus', () => {
  it('is the order status without shipments', () => {
    expect(fulfilmentStatus('paid', [])).toBe('paid');
  });

  it('moves a paid order to shipped while any shipment is on its way, delivered once all are', () => {
    expect(fulfilmentStatus('paid', [s('in_transit'), s('pending')])).toBe('shipped');
    expect(fulfilmentStatus('paid', [s('delivered'), s('shipped')])).toBe('shipped');
    expect(fulfilmentStatus('paid', [s('delivered'), s('delivered')])).toBe('delivered');
    expect(fulfilmentStatus('pending', [s('pending')])).toBe('pending');
  });

  it('ignores failed shipments, and returned ones unless all came back', () => {
    expect(fulfilmentStatus('paid', [s('failed'), s('delivered')])).toBe('delivered');
    expect(fulfilmentStatus('paid', [s('failed')])).toBe('paid');
    expect(fulfilmentStatus('shipped', [s('returned'), s('delivered')])).toBe('delivered');
    expect(fulfilmentStatus('delivered', [s('returned')])).toBe('returned');
  });

  it('never moves an order backwards, and keeps cancelled/refunded', () => {
    expect(fulfilmentStatus('delivered', [s('in_transit')])).toBe('delivered');
    expect(fulfilmentStatus('cancelled', [s('delivered')])).toBe('cancelled');
    expect(fulfilmentStatus('refunded', [s('returned')])).toBe('refunded');
  });
});

describe('latestTrackingUrl', () => {
  it('is the link of the shipment sent last, else the last listed with a link', () => {
    expect(latestTrackingUrl([])).toBeNull();
    expect(latestTrackingUrl([s('pending')])).toBeNull();
    expect(
      latestTrackingUrl([
        s('delivered', 'https://t/1', '2024-06-03T00:00:00Z'),
        s('shipped', 'https://t/2', '2024-06-05T00:00:00Z'),
        s('pending', 'https://t/3'),
      ]),
    ).toBe('https://t/2');
    expect(latestTrackingUrl([s('pending', 'https://t/a'), s('pending', null), s('pending', 'https://t/b')])).toBe('https://t/b');
  });
});

describe('last_order_status definition', () => {
  it('offers exactly the values fulfilmentStatus produces', () => {
    const definition = CONTACT_ATTRIBUTE_DEFINITIONS.find((d) => d.key === 'last_order_status');
    expect(definition).toMatchObject({ displayType: 'list', values: [...LAST_ORDER_STATUSES] });
  });
});
