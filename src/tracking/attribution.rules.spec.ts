import { describe, expect, it } from 'vitest';
import {
  chooseAttribution,
  isAttributableStatus,
  withinAttributionWindow,
  type ConversationFact,
  type OrderFact,
} from './attribution.rules';

const H = 3_600_000;
const placedAt = new Date('2025-03-10T12:00:00.000Z');
const hoursBefore = (h: number) => new Date(placedAt.getTime() - h * H);

function order(overrides: Partial<OrderFact> = {}): OrderFact {
  return { orderId: 'o-1', customerId: 'c-1', status: 'paid', placedAt, sessionIds: [], ...overrides };
}

function conversation(displayId: number, createdAt: Date, overrides: Partial<ConversationFact> = {}): ConversationFact {
  return { displayId, customerId: 'c-1', sessionId: null, createdAt, ...overrides };
}

describe('withinAttributionWindow', () => {
  it('includes an order placed at the very instant the conversation was created (start inclusive)', () => {
    expect(withinAttributionWindow(placedAt, placedAt, 72)).toBe(true);
  });

  it('includes an order placed one millisecond before the window closes', () => {
    expect(withinAttributionWindow(new Date(placedAt.getTime() - 72 * H + 1), placedAt, 72)).toBe(true);
  });

  it('excludes an order placed exactly windowHours after the conversation (end exclusive)', () => {
    expect(withinAttributionWindow(hoursBefore(72), placedAt, 72)).toBe(false);
  });

  it('excludes an order placed before the conversation', () => {
    expect(withinAttributionWindow(new Date(placedAt.getTime() + 1), placedAt, 72)).toBe(false);
  });

  it('follows the store window, not a fixed 72 h', () => {
    expect(withinAttributionWindow(hoursBefore(30), placedAt, 24)).toBe(false);
    expect(withinAttributionWindow(hoursBefore(30), placedAt, 48)).toBe(true);
  });
});

describe('isAttributableStatus', () => {
  it.each(['cancelled', 'canceled', 'Refunded', ' refunded ', 'voided', 'failed'])('rejects %s', (status) => {
    expect(isAttributableStatus(status)).toBe(false);
  });

  it.each(['paid', 'pending', 'fulfilled', 'completed', 'shipped'])('accepts %s', (status) => {
    expect(isAttributableStatus(status)).toBe(true);
  });
});

describe('chooseAttribution', () => {
  it('credits the conversation of the same customer within the window', () => {
    const choice = chooseAttribution(order(), [conversation(7, hoursBefore(5))], 72);
    expect(choice).toEqual({ displayId: 7, match: 'customer', conversationCreatedAt: hoursBefore(5) });
  });

  it('returns null without a conversation in the window', () => {
    expect(
      chooseAttribution(order(), [conversation(7, hoursBefore(80)), conversation(8, new Date(placedAt.getTime() + H))], 72),
    ).toBeNull();
  });

  it('ignores conversations of other customers and unknown sessions', () => {
    const conversations = [conversation(3, hoursBefore(1), { customerId: 'c-2', sessionId: 's-other' })];
    expect(chooseAttribution(order({ sessionIds: ['s-1'] }), conversations, 72)).toBeNull();
  });

  it('prefers the latest conversation before the order', () => {
    const conversations = [conversation(1, hoursBefore(50)), conversation(2, hoursBefore(3)), conversation(3, hoursBefore(20))];
    expect(chooseAttribution(order(), conversations, 72)?.displayId).toBe(2);
  });

  it('breaks a tie on creation time with the higher display id', () => {
    const conversations = [conversation(4, hoursBefore(3)), conversation(9, hoursBefore(3)), conversation(5, hoursBefore(3))];
    expect(chooseAttribution(order(), conversations, 72)?.displayId).toBe(9);
  });

  it('matches by session when the conversation has no customer', () => {
    const conversations = [conversation(11, hoursBefore(2), { customerId: null, sessionId: 's-1' })];
    expect(chooseAttribution(order({ sessionIds: ['s-0', 's-1'] }), conversations, 72)).toEqual({
      displayId: 11,
      match: 'session',
      conversationCreatedAt: hoursBefore(2),
    });
  });

  it('lets a customer match beat a later session match', () => {
    const conversations = [
      conversation(20, hoursBefore(10)),
      conversation(21, hoursBefore(1), { customerId: null, sessionId: 's-1' }),
    ];
    expect(chooseAttribution(order({ sessionIds: ['s-1'] }), conversations, 72)).toMatchObject({
      displayId: 20,
      match: 'customer',
    });
  });

  it('reports a conversation matching both ways as a customer match', () => {
    const conversations = [conversation(30, hoursBefore(1), { sessionId: 's-1' })];
    expect(chooseAttribution(order({ sessionIds: ['s-1'] }), conversations, 72)?.match).toBe('customer');
  });

  it('falls back to a session match when the customer conversation is outside the window', () => {
    const conversations = [
      conversation(40, hoursBefore(72)),
      conversation(41, hoursBefore(71), { customerId: null, sessionId: 's-1' }),
    ];
    expect(chooseAttribution(order({ sessionIds: ['s-1'] }), conversations, 72)).toMatchObject({
      displayId: 41,
      match: 'session',
    });
  });

  it('never attributes a cancelled or refunded order', () => {
    const conversations = [conversation(50, hoursBefore(1))];
    expect(chooseAttribution(order({ status: 'cancelled' }), conversations, 72)).toBeNull();
    expect(chooseAttribution(order({ status: 'refunded' }), conversations, 72)).toBeNull();
  });

  it('yields one conversation per order, however many qualify', () => {
    const conversations = [conversation(60, hoursBefore(1)), conversation(61, hoursBefore(2)), conversation(62, hoursBefore(3))];
    const choice = chooseAttribution(order(), conversations, 72);
    expect(choice).not.toBeNull();
    expect(typeof choice!.displayId).toBe('number');
    expect(choice!.displayId).toBe(60);
  });

  it('attributes nothing with a zero window', () => {
    expect(chooseAttribution(order(), [conversation(70, placedAt)], 0)).toBeNull();
  });
});
