import { delayFromBackoff } from './backoff';

describe('delayFromBackoff', () => {
  const schedule = [200, 1000, 5000];
  it.each([
    [1, 200],
    [2, 1000],
    [3, 5000],
    [9, 5000],
  ])('attempt %i waits %i ms and the last step repeats', (attempt, expected) => {
    expect(delayFromBackoff(attempt, schedule)).toBe(expected);
  });
  it('an empty schedule redelivers at once', () => expect(delayFromBackoff(3, [])).toBe(0));
});
