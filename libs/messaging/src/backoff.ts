/**
 * Redelivery delay for the given delivery attempt (1-based): the n-th failure waits
 * `backoffMs[n-1]`, and the last value repeats once the list runs out.
 */
export function delayFromBackoff(deliveryCount: number, backoffMs: readonly number[]): number {
  if (backoffMs.length === 0) return 0;
  const index = Math.min(Math.max(deliveryCount, 1), backoffMs.length) - 1;
  return backoffMs[index];
}
