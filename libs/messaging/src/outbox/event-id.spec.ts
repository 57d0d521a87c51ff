import { eventIdFor } from './outbox';

describe('eventIdFor', () => {
  it('names one business fact with one stable UUID, and different facts with different ones', () => {
    const a = eventIdFor('refund:ops:1');
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(eventIdFor('refund:ops:1')).toBe(a);
    expect(eventIdFor('refund:ops:2')).not.toBe(a);
  });
});
