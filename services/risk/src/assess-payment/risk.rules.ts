import { Decision } from '@cardshop/contracts';

/** What the rules look at; no personal data (the email is reduced to a count). */
export interface RiskFeatures {
  amountMinor: bigint;
  currency: string;
  /** Assessments for this email in the rolling hour, this one included. */
  emailAttemptsLastHour: number;
}

export interface RiskLimits {
  maxOrderMinor: Readonly<Record<string, number>>;
  defaultMaxOrderMinor: number;
  emailHourlyLimit: number;
}

export interface RiskReason {
  code: string;
  message: string;
}

export interface RiskVerdict {
  decision: Decision;
  reasons: RiskReason[];
}

/** Pure rule evaluation: every rule that fires adds a reason; any block blocks. */
export function evaluate(f: RiskFeatures, limits: RiskLimits): RiskVerdict {
  const reasons: RiskReason[] = [];
  const max = BigInt(limits.maxOrderMinor[f.currency] ?? limits.defaultMaxOrderMinor);
  if (f.amountMinor > max) {
    reasons.push({ code: 'AMOUNT_LIMIT', message: `amount ${f.amountMinor} ${f.currency} (minor units) is over the per-order limit of ${max}` });
  }
  if (f.emailAttemptsLastHour > limits.emailHourlyLimit) {
    reasons.push({ code: 'EMAIL_VELOCITY', message: `${f.emailAttemptsLastHour} payment attempts from this email in the last hour, over the limit of ${limits.emailHourlyLimit}` });
  }
  if (reasons.length > 0) return { decision: Decision.BLOCK, reasons };
  return { decision: Decision.ALLOW, reasons: [{ code: 'WITHIN_LIMITS', message: 'amount and email velocity are within limits' }] };
}

/**
 * A rolling hour from hour buckets (sliding-window estimate): all of this hour's attempts plus
 * the share of last hour's that still falls inside the window, assuming they were spread evenly.
 */
export function rollingHourCount(current: number, previous: number, secondsIntoHour: number): number {
  const remaining = Math.max(0, Math.min(1, 1 - secondsIntoHour / 3600));
  return current + Math.floor(previous * remaining);
}
