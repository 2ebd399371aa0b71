/**
 * One realistic request body per request schema, used as the example of every operation that takes
 * it (see `src/openapi.ts`). They fit together: the five-minute walkthrough in the README sends the
 * same store, customer, order and cart. `src/openapi-examples.spec.ts` validates each against its DTO.
 */
export const REQUEST_EXAMPLES: Record<string, unknown> = {
  UpsertStoreDto: {
    name: 'Bloom & Co',
    slug: 'bloom-co',
    email: 'support@bloom.example',
    websiteUrl: 'https://bloom.example',
    locale: 'nl-NL',
    timezone: 'Europe/Amsterdam',
    currency: 'EUR',
    notificationUrl: 'https://platform.example/hooks/chatwoot',
    branding: { color: '#1f93ff', welcomeTitle: 'Hi there!', welcomeTagline: 'We usually answer within minutes' },
  },
  StoreSettingsDto: {
    tiers: { silver: 20000, gold: 50000, platinum: 100000 },
    discounts: { maxPercent: 20, maxFixedAmount: 2500, maxPerAgentPerDay: 10 },
    attributionWindowHours: 72,
    lowCsatThreshold: 2,
  },
  StoreBrandingDto: { color: '#1f93ff', welcomeTitle: 'Hi there!', welcomeTagline: 'We usually answer within minutes' },
  UpsertCustomerDto: {
    email: 'ann@example.com',
    name: 'Ann Example',
    phone: '+31612345678',
    language: 'nl',
    marketingConsent: true,
    registeredAt: '2024-01-15T10:00:00Z',
    updatedAt: '2024-06-01T12:00:00Z',
  },
  UpsertOrderDto: {
    customerId: 'cust-1001',
    status: 'delivered',
    currency: 'EUR',
    totalAmount: 4998,
    placedAt: '2024-06-01T11:58:00Z',
    updatedAt: '2024-06-01T12:00:00Z',
    items: [{ productId: 'prod-42', name: 'Ceramic teapot', category: 'kitchen', quantity: 2, unitPrice: 2499 }],
    shipments: [
      {
        id: 'shp-1',
        carrier: 'DHL',
        trackingNumber: 'JD014600003SE',
        trackingUrl: 'https://www.dhl.com/track?id=JD014600003SE',
        status: 'delivered',
        shippedAt: '2024-06-02T09:00:00Z',
        deliveredAt: '2024-06-04T15:30:00Z',
      },
    ],
  },
  UpsertCartDto: {
    items: [{ productId: 'prod-7', name: 'Tea sampler', category: 'tea', quantity: 1, unitPrice: 1299 }],
    updatedAt: '2024-06-01T12:05:00Z',
  },
  UpsertProductDto: {
    name: 'Ceramic teapot',
    category: 'kitchen',
    price: 2499,
    url: 'https://bloom.example/p/teapot',
    imageUrl: 'https://bloom.example/img/teapot.jpg',
    inStock: true,
  },
  MergeContactsDto: { primaryContactId: 101, duplicateContactId: 102 },
  CreateAttributionDto: { conversationId: 42, orderId: 'order-1001' },
  CreateDiscountCodeDto: { type: 'percent', value: 10, expiresAt: '2026-12-31T23:59:59Z', conversationId: 42 },
  EscalateDto: { reason: 'Customer asks for a refund above the agent limit' },
  CreateOrderActionDto: {
    type: 'refund',
    idempotencyKey: 'confirm-2f6d1c9e8a',
    amount: 2500,
    reason: 'Tent arrived with a torn seam',
    conversationId: 42,
  },
  TrackingBatchDto: {
    websiteToken: 'yZ7USzbSFp6NgmwYy3nyTpA4',
    sessionId: 'k3J9x0aQ2mZ7pW1v',
    customerId: 'cust-1001',
    events: [
      { type: 'widget_loaded', at: '2024-06-01T12:00:00.000Z', loadTimeMs: 850 },
      { type: 'product_view', at: '2024-06-01T12:00:05.000Z', productId: 'prod-42', url: 'https://bloom.example/p/teapot' },
    ],
  },
};

/** A Chatwoot webhook payload as Chatwoot v4 sends it (trimmed), for the raw webhook routes. */
export const WEBHOOK_EXAMPLE = {
  event: 'conversation_status_changed',
  id: 42,
  status: 'resolved',
  account: { id: 7, name: 'Bloom & Co' },
  inbox: { id: 3, name: 'Bloom & Co website' },
  meta: { sender: { id: 101, identifier: 'cust-1001', email: 'ann@example.com' }, assignee: { id: 12, name: 'Sam Agent' } },
  changed_attributes: [{ status: { previous_value: 'open', current_value: 'resolved' } }],
};
