import { createServer, type IncomingMessage, type Server } from 'node:http';
import { expect } from 'vitest';
import { CustomerDataService } from '../../../src/contacts/customer-data.service';
import { eventually } from '../../support/eventually';
import type { SeededStore } from '../../support/seed-store';
import type { TestApp } from '../../support/test-app';

export interface OrderInput {
  orderId: string;
  totalAmount: number;
  placedAt: string;
  status?: string;
  discountCode?: string;
  /** The order's shipments, as the platform sends them (UpsertShipmentDto). */
  shipments?: Record<string, unknown>[];
  items: { productId: string; name: string; category: string; quantity: number; unitPrice: number }[];
}

export interface CustomerInput {
  customerId: string;
  name: string;
  email: string;
  registeredAt?: string;
  orders?: OrderInput[];
  cart?: OrderInput['items'];
}

let clock = Date.parse('2026-01-01T00:00:00Z');
/** Strictly increasing `updatedAt`s: the contacts module ignores writes that are not newer. */
export function nextUpdatedAt(): string {
  clock += 1_000;
  return new Date(Math.max(clock, Date.now())).toISOString();
}

export async function putProduct(
  t: TestApp,
  storeId: string,
  p: { productId: string; name: string; category: string; price: number; inStock?: boolean },
): Promise<void> {
  const res = await t.request('PUT', `/v1/stores/${storeId}/products/${p.productId}`, {
    body: { name: p.name, category: p.category, price: p.price, inStock: p.inStock ?? true, updatedAt: nextUpdatedAt() },
  });
  expect(res.status, res.text).toBeLessThan(300);
}

export async function putOrder(t: TestApp, storeId: string, customerId: string, o: OrderInput): Promise<void> {
  const res = await t.request('PUT', `/v1/stores/${storeId}/orders/${o.orderId}`, {
    body: {
      customerId,
      status: o.status ?? 'delivered',
      currency: 'EUR',
      totalAmount: o.totalAmount,
      placedAt: o.placedAt,
      updatedAt: nextUpdatedAt(),
      ...(o.discountCode ? { discountCode: o.discountCode } : {}),
      ...(o.shipments ? { shipments: o.shipments } : {}),
      items: o.items,
    },
  });
  expect(res.status, res.text).toBeLessThan(300);
}

/** A platform customer with orders and cart, synced to Chatwoot and linked; returns its contact id. */
export async function seedCustomer(t: TestApp, store: SeededStore, c: CustomerInput): Promise<number> {
  const res = await t.request('PUT', `/v1/stores/${store.storeId}/customers/${c.customerId}`, {
    body: {
      email: c.email,
      name: c.name,
      marketingConsent: true,
      registeredAt: c.registeredAt ?? '2024-03-01T10:00:00Z',
      updatedAt: nextUpdatedAt(),
    },
  });
  expect(res.status, res.text).toBeLessThan(300);
  for (const order of c.orders ?? []) await putOrder(t, store.storeId, c.customerId, order);
  if (c.cart) {
    const cart = await t.request('PUT', `/v1/stores/${store.storeId}/customers/${c.customerId}/cart`, {
      body: { items: c.cart, updatedAt: nextUpdatedAt() },
    });
    expect(cart.status, cart.text).toBeLessThan(300);
  }
  const data = t.get(CustomerDataService);
  return eventually(async () => {
    const contact = t.fake.state.contactsOf(store.accountId).find((x) => x.identifier === c.customerId);
    expect(contact, `contact for ${c.customerId}`).toBeDefined();
    expect(await data.findCustomerByContactId(store.storeId, contact!.id)).not.toBeNull();
    return contact!.id;
  }, 20_000);
}

export function item(productId: string, category: string, unitPrice: number, quantity = 1) {
  return { productId, name: `Product ${productId}`, category, quantity, unitPrice };
}

export interface Receiver {
  url: string;
  received: { headers: IncomingMessage['headers']; body: any; raw: string }[];
  close(): Promise<void>;
}

/** The shop's notification endpoint. */
export async function startReceiver(): Promise<Receiver> {
  const received: Receiver['received'] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      received.push({ headers: req.headers, body: JSON.parse(raw || 'null'), raw });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}/hooks`, received, close: () => new Promise((r) => server.close(() => r())) };
}

export const ctxHeaders = (store: SeededStore) => ({ 'x-context-token': store.contextToken });

/** The catalogue the dashboard-app browser tests sell from: two teas and a cup (id, category, price). */
export const PRODUCTS = [
  ['green', 'Tea', 1_000],
  ['oolong', 'Tea', 2_000],
  ['cup', 'Cups', 800],
] as const;
