import fc from 'fast-check';
import { ATTEMPT_TRANSITIONS, canMove, from, OPEN_STATES, PAID_STATES, type AttemptState } from './attempt-states';

const STATES = Object.keys(ATTEMPT_TRANSITIONS) as AttemptState[];

/** What the conditional UPDATEs do: move only when the table allows it, else leave the row alone. */
const apply = (state: AttemptState, event: AttemptState): AttemptState => (from(event).includes(state) ? event : state);

describe('attempt state table', () => {
  it('from(to) lists exactly the states the table lets move to `to`', () => {
    for (const to of STATES) expect(from(to).sort()).toEqual(STATES.filter((s) => canMove(s, to)).sort());
  });

  it('a late "closed" or failure after success changes nothing', () => {
    for (const late of ['cancelled', 'expired', 'failed', 'pending', 'requires_action', 'processing'] as AttemptState[]) {
      expect(apply('succeeded', late)).toBe('succeeded');
      expect(apply('partially_refunded', late)).toBe('partially_refunded');
    }
  });

  it('money arriving after an attempt ended is honoured', () => {
    for (const ended of ['failed', 'cancelled', 'expired'] as AttemptState[]) expect(apply(ended, 'succeeded')).toBe('succeeded');
  });

  it('whatever order provider events arrive in, a paid attempt never loses its money and a finished one never reopens', () => {
    fc.assert(
      fc.property(fc.constantFrom(...OPEN_STATES), fc.array(fc.constantFrom(...STATES), { maxLength: 30 }), (start, events) => {
        let state: AttemptState = start;
        let paid = false;
        let closed = false;
        for (const e of events) {
          const next = apply(state, e);
          if (paid) expect(PAID_STATES).toContain(next);
          if (closed) expect(OPEN_STATES).not.toContain(next);
          if (state === 'refunded') expect(next).toBe('refunded');
          state = next;
          paid ||= PAID_STATES.includes(state);
          closed ||= !OPEN_STATES.includes(state);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
