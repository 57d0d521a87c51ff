import { canTransition, fromStatesInto, TRANSITIONS, type OrderState } from './order-state';

describe('order state machine', () => {
  it('an order is delivered only after it was paid', () => {
    expect(canTransition('awaiting_payment', 'delivered')).toBe(false);
    expect(canTransition('paid', 'delivered')).toBe(true);
  });
  it('an expired order can never go back to awaiting payment', () => {
    expect(canTransition('expired', 'awaiting_payment')).toBe(false);
  });
  it('a late payment takes an expired order to paid, never straight to delivered', () => {
    expect(fromStatesInto('paid').sort()).toEqual(['awaiting_payment', 'expired']);
    expect(canTransition('expired', 'delivered')).toBe(false);
    expect(TRANSITIONS.paid).toEqual(expect.arrayContaining(['delivered', 'paid_awaiting_stock']));
  });
  it('terminal states have no way out', () => {
    expect(TRANSITIONS.cancelled).toEqual([]);
    expect(TRANSITIONS.refunded).toEqual([]);
  });
  it('fromStatesInto is the exact inverse of the table', () => {
    for (const to of Object.keys(TRANSITIONS) as OrderState[]) {
      for (const from of fromStatesInto(to)) expect(canTransition(from, to)).toBe(true);
    }
    expect(fromStatesInto('delivered').sort()).toEqual(['paid', 'paid_awaiting_stock']);
  });
});
