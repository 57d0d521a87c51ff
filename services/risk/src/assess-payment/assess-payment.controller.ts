import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { randomUUID } from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import { AssessPaymentResponseSchema, Decision, patternOfEvent, patternOfMethod, RiskDecisionRecordedSchema, RiskService, type AssessPaymentRequest } from '@cardshop/contracts';
import { Outbox } from '@cardshop/messaging';
import { badRequest } from '@cardshop/platform';
import { RISK_CONFIG, type RiskConfig } from '../risk.config';
import { emailHash, normaliseEmail } from './email-hash';
import { evaluate, rollingHourCount, type RiskLimits } from './risk.rules';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

@Controller()
export class AssessPaymentController {
  private readonly limits: RiskLimits;

  constructor(@InjectDataSource() private readonly db: DataSource, private readonly outbox: Outbox, @Inject(RISK_CONFIG) config: RiskConfig) {
    this.limits = { maxOrderMinor: config.RISK_MAX_ORDER_MINOR, defaultMaxOrderMinor: config.RISK_DEFAULT_MAX_ORDER_MINOR, emailHourlyLimit: config.RISK_EMAIL_HOURLY_LIMIT };
  }

  /** Counts the attempt, decides, and records the decision with its event. */
  @MessagePattern(patternOfMethod(RiskService.method.assessPayment))
  async assess(@Payload() req: AssessPaymentRequest) {
    if (!req.orderId || req.orderId.length > 100) throw badRequest('RISK.INVALID_ORDER_ID', 'orderId must be 1 to 100 characters');
    const email = normaliseEmail(req.email);
    if (!EMAIL.test(email) || email.length > 320) throw badRequest('RISK.INVALID_EMAIL', 'email is not a valid address');
    const amount = req.amount;
    if (!amount || amount.minorAmount <= 0n) throw badRequest('RISK.INVALID_AMOUNT', 'amount must be a positive integer in minor units');
    if (!/^[A-Z]{3,4}$/.test(amount.currency)) throw badRequest('RISK.INVALID_CURRENCY', 'currency must be an upper-case ISO code or USDT');
    const decisionId = randomUUID();
    // Counting this attempt and reading the window is one statement, so concurrent attempts for
    // the same email each see a distinct count. It commits on its own: the attempt was made,
    // whatever happens to the decision.
    const [v]: { current: number; previous: number; elapsed: string }[] = await this.db.query(
      `WITH cur AS (
         INSERT INTO email_velocity (email_hash, hour, attempts) VALUES ($1, date_trunc('hour', now()), 1)
         ON CONFLICT (email_hash, hour) DO UPDATE SET attempts = email_velocity.attempts + 1 RETURNING attempts)
       SELECT cur.attempts AS current,
         COALESCE((SELECT attempts FROM email_velocity WHERE email_hash = $1 AND hour = date_trunc('hour', now()) - interval '1 hour'), 0) AS previous,
         extract(epoch FROM now() - date_trunc('hour', now())) AS elapsed
       FROM cur`,
      [emailHash(email)],
    );
    const verdict = evaluate(
      { amountMinor: amount.minorAmount, currency: amount.currency, emailAttemptsLastHour: rollingHourCount(v.current, v.previous, Number(v.elapsed)) },
      this.limits,
    );
    // The decision and its event: one statement.
    await this.outbox.withEvents(
      this.db,
      `INSERT INTO decisions (id, order_id, decision, reasons, amount, currency) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [decisionId, req.orderId, Decision[verdict.decision], JSON.stringify(verdict.reasons), amount.minorAmount.toString(), amount.currency],
      [{ pattern: patternOfEvent(RiskDecisionRecordedSchema), data: create(RiskDecisionRecordedSchema, { decisionId, orderId: req.orderId, ...verdict }) }],
    );
    return create(AssessPaymentResponseSchema, { decisionId, ...verdict });
  }
}
