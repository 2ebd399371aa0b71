import { describe, expect, it } from 'vitest';
import { DEFAULT_STORE_SETTINGS } from '../accounts/store-settings';
import { formatMinor, planAction, requestHash, type OrderFacts } from './order-action.rules';
import { parseAnswer } from './platform-action.client';

const policy = {
  allowed: DEFAULT_STORE_SETTINGS.orderActions.allowed,
  refundMaxPerAction: 5_000,
  refundMaxPerAgentPerDay: 8_000,
};
const order: OrderFacts = {
  orderId: 'o-1',
  status: 'delivered',
  totalAmount: 6_000,
  currency: 'EUR',
  items: [
    { productId: 'tea', quantity: 3, unitPrice: 1_000 },
    { productId: 'cup', quantity: 1, unitPrice: 3_000 },
  ],
};
const none = { refundedOnOrder: 0, refundedByAgentToday: 0 };
const eur = (minor: number) => formatMinor(minor, 'EUR', 'en');

describe('planAction', () => {
  it('prices a refund of lines at the order prices', () => {
    expect(planAction({ type: 'refund', lines: [{ productId: 'tea', quantity: 2 }] }, order, policy, none, eur)).toEqual({
      ok: true,
      amount: 2_000,
      currency: 'EUR',
      lines: [{ productId: 'tea', quantity: 2 }],
    });
  });

  it('refunds what is left of the order when neither amount nor lines are given', () => {
    const plan = planAction({ type: 'refund' }, order, policy, { refundedOnOrder: 2_000, refundedByAgentToday: 0 }, eur);
    expect(plan).toMatchObject({ ok: true, amount: 4_000 });
  });

  it('refuses more than the order has left, lines it does not have, and quantities above the ordered ones', () => {
    expect(
      planAction({ type: 'refund', amount: 4_001 }, order, policy, { refundedOnOrder: 2_000, refundedByAgentToday: 0 }, eur),
    ).toMatchObject({ ok: false, code: 'ORDER_NOT_REFUNDABLE', message: expect.stringContaining('€40.00') });
    expect(planAction({ type: 'refund', lines: [{ productId: 'pot', quantity: 1 }] }, order, policy, none, eur)).toMatchObject({
      code: 'ORDER_NOT_REFUNDABLE',
    });
    expect(
      planAction(
        {
          type: 'refund',
          lines: [
            { productId: 'tea', quantity: 2 },
            { productId: 'tea', quantity: 2 },
          ],
        },
        order,
        policy,
        none,
        eur,
      ),
    ).toMatchObject({ code: 'ORDER_NOT_REFUNDABLE', message: expect.stringContaining('has 3 of product tea, not 4') });
    expect(planAction({ type: 'refund' }, order, policy, { refundedOnOrder: 6_000, refundedByAgentToday: 0 }, eur)).toMatchObject(
      {
        code: 'ORDER_NOT_REFUNDABLE',
      },
    );
  });

  it('holds the ceiling per action and the daily limit per agent, at the exact boundary', () => {
    expect(planAction({ type: 'refund', amount: 5_000 }, order, policy, none, eur)).toMatchObject({ ok: true });
    expect(planAction({ type: 'refund', amount: 5_001 }, order, policy, none, eur)).toMatchObject({
      code: 'REFUND_OVER_CEILING',
      message: expect.stringMatching(/€50\.01.*€50\.00/),
    });
    expect(
      planAction({ type: 'refund', amount: 3_000 }, order, policy, { refundedOnOrder: 0, refundedByAgentToday: 5_000 }, eur),
    ).toMatchObject({
      ok: true,
    });
    expect(
      planAction({ type: 'refund', amount: 3_001 }, order, policy, { refundedOnOrder: 0, refundedByAgentToday: 5_000 }, eur),
    ).toMatchObject({
      code: 'REFUND_OVER_DAILY_LIMIT',
      message: expect.stringContaining('€30.00 left'),
    });
  });

  it('cancels only pending or paid orders, and refunds only paid, shipped or delivered ones', () => {
    expect(planAction({ type: 'cancel' }, order, policy, none, eur)).toMatchObject({ code: 'ORDER_NOT_CANCELLABLE' });
    expect(planAction({ type: 'cancel' }, { ...order, status: 'paid' }, policy, none, eur)).toEqual({
      ok: true,
      amount: null,
      currency: null,
      lines: [],
    });
    expect(planAction({ type: 'refund' }, { ...order, status: 'cancelled' }, policy, none, eur)).toMatchObject({
      code: 'ORDER_NOT_REFUNDABLE',
    });
    expect(planAction({ type: 'resend_confirmation' }, { ...order, status: 'cancelled' }, policy, none, eur)).toMatchObject({
      ok: true,
    });
  });

  it('keeps amount and lines to refunds, and one of them at a time', () => {
    expect(planAction({ type: 'cancel', amount: 1 }, { ...order, status: 'paid' }, policy, none, eur)).toMatchObject({
      statusCode: 400,
    });
    expect(
      planAction({ type: 'refund', amount: 1, lines: [{ productId: 'tea', quantity: 1 }] }, order, policy, none, eur),
    ).toMatchObject({ statusCode: 400 });
  });
});

describe('requestHash', () => {
  it('is the same for the same request and differs when anything that matters differs', () => {
    const base = requestHash('o-1', 7, { type: 'refund', amount: 100 });
    expect(requestHash('o-1', 7, { type: 'refund', amount: 100 })).toBe(base);
    expect(requestHash('o-2', 7, { type: 'refund', amount: 100 })).not.toBe(base);
    expect(requestHash('o-1', 8, { type: 'refund', amount: 100 })).not.toBe(base);
    expect(requestHash('o-1', 7, { type: 'refund', amount: 101 })).not.toBe(base);
    expect(requestHash('o-1', 7, { type: 'refund', amount: 100, reason: 'x' })).not.toBe(base);
  });
});

describe('parseAnswer', () => {
  it("takes only {status: 'succeeded' | 'rejected'} as an answer", () => {
    expect(parseAnswer('{"status":"succeeded"}')).toEqual({ answered: true, status: 'succeeded', message: null });
    expect(parseAnswer('{"status":"rejected","message":"Already shipped"}')).toEqual({
      answered: true,
      status: 'rejected',
      message: 'Already shipped',
    });
    expect(parseAnswer('{"status":"ok"}').answered).toBe(false);
    expect(parseAnswer('not json').answered).toBe(false);
    expect(parseAnswer('null').answered).toBe(false);
  });
});
